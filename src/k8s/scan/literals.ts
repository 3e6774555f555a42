// Credential-looking literals, found by secretlint's recommended rule preset (AWS, GCP, GitHub, Slack,
// private keys, database connection strings with a password, basic auth in URLs, and more), a
// maintained rule set rather than our own regexes. Each piece of text is handed to secretlint with a
// way to map an offset back to the file; a finding keeps secretlint's rule and message id but never
// its message, which quotes the secret.

import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { fingerprint } from './fingerprint.js';
import type { Position } from './position.js';
import type { Finding } from './types.js';

/** A piece of text to lint: `text` as secretlint sees it, `locate` maps an offset in it to the file. */
export interface Snippet {
  text: string;
  locate(offset: number): Position;
  key?: string;
  /** Offsets below this belong to a context prefix (e.g. `NAME=` before an env value), not to the value. */
  valueStart?: number;
}

export interface LiteralHit extends Finding {
  /** Index of the snippet the hit came from. */
  snippet: number;
}

const CONFIG = {
  rules: [
    {
      id: '@secretlint/secretlint-rule-preset-recommend',
      rule: recommended,
      // AWS access key ids (AKIA...) are reported only with enableIDScanRule.
      rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
    },
  ],
};

const SEPARATOR = '\n\n';

/** Lints every snippet of one file in a single secretlint pass. */
export async function lintSnippets(file: string, snippets: Snippet[]): Promise<LiteralHit[]> {
  if (snippets.length === 0) return [];
  const starts: number[] = [];
  let text = '';
  for (const s of snippets) {
    starts.push(text.length);
    text += s.text + SEPARATOR;
  }
  // secretlint reads nothing from filePath but its name (for its own messages and content-type rules).
  const result = await lintSource({ source: { filePath: file, content: text, contentType: 'text' }, options: { config: CONFIG } });
  const hits: LiteralHit[] = [];
  for (const m of result.messages) {
    if (m.type !== 'message') continue;
    const [from, to] = m.range;
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > from) i--;
    const s = snippets[i]!;
    const offset = Math.max(from - starts[i]!, s.valueStart ?? 0);
    const at = s.locate(offset);
    const short = m.ruleId.replace(/^@secretlint\/secretlint-rule-/, '');
    hits.push({
      snippet: i,
      file,
      line: at.line,
      column: at.column,
      rule: `secretlint/${short}/${m.messageId}`,
      message: `${m.messageId} found (secretlint rule ${m.ruleId})`,
      ...(s.key !== undefined ? { key: s.key } : {}),
      fingerprint: fingerprint(text.slice(from, to)),
    });
  }
  return hits;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * A token-like value: secretlint has no entropy rule, so this is ours. At least 20 characters with no
 * space, letters and digits mixed (with upper and lower case, or symbols), and at least 4 bits of
 * entropy per character: random API tokens pass, words, paths, hostnames, versions and UUIDs do not.
 */
export function looksLikeToken(value: string): boolean {
  if (value.length < 20 || value.length > 4096 || /\s/.test(value)) return false;
  if (/^(\/|\.\/|https?:\/\/[^@]*$)/.test(value)) return false;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  if (!/[0-9]/.test(value) || classes < 3) return false;
  return entropy(value) >= 4;
}

/**
 * A literal whose NAME says it is a credential (DB_PASSWORD, API_TOKEN, client-secret): reported
 * whatever its value looks like, since a short human password ("hunter2") has neither a known shape
 * nor high entropy. Names that hold something about a credential (PASSWORD_FILE, TOKEN_TTL,
 * SECRET_NAME) and values that are references ($(VAR), ${VAR}), paths or booleans are not.
 */
export function credentialNamed(key: string, value: string): boolean {
  if (!/pass(word|wd|phrase)?($|[^a-z])|pwd|secret|token|api[_.-]?key|credential|private[_.-]?key/i.test(key)) return false;
  if (/(^|[_.-])(file|path|dir|name|ref|url|uri|endpoint|host|port|ttl|expiry|expiration|expires|length|size|header|type|mode|enabled?|count|policy|rotation|algorithm|audience|issuer)$/i.test(key)) return false;
  if (/(File|Path|Dir|Name|Ref|Url|Ttl|Length|Enabled|Type|Mode|Header)$/.test(key)) return false;
  const v = value.trim();
  if (v.length < 3 || /^(true|false|yes|no|on|off|null|none|~)$/i.test(v)) return false;
  if (/^(\$\(|\$\{|\/|\.\/|<|\{\{)/.test(v)) return false;
  return true;
}

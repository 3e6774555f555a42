// Output as Vault's CLI prints it: tables aligned like columnize (4-space glue, "n/a" for empty
// cells, `Key  Value` header over `---  -----`), values as Go's %v prints them (map[a:b], [x y],
// <nil>), TTL-looking fields as durations (768h), JSON as Go's MarshalIndent (sorted map keys,
// <>& escaped), YAML as yaml.v2 (the template engine's marshalYAML), -field raw, and the server's
// warnings on stderr in Vault's "WARNING!" block.

import { marshalYAML } from '../template/functions/yaml.js';
import type { Format } from './config.js';
import { isObject, type Envelope, type Json, type JsonObject } from './http.js';

/** Where output goes; tests and commands share it. Info/Output to stdout, Warn/Error to stderr. */
export interface Ui {
  out(text: string): void;
  err(text: string): void;
  /** Raw bytes to stdout (no newline added). */
  raw(text: string): void;
  isTerminal: boolean;
}

export const processUi: Ui = {
  out: (t) => void process.stdout.write(`${t}\n`),
  err: (t) => void process.stderr.write(`${t}\n`),
  raw: (t) => void process.stdout.write(t),
  isTerminal: process.stdout.isTTY === true,
};

// ---- Go value formatting ----

/** fmt.Sprintf("%v", v) for a value decoded from JSON. */
export function goString(v: Json | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  return `map[${Object.keys(v)
    .sort()
    .map((k) => `${k}:${goString(v[k])}`)
    .join(' ')}]`;
}

/** fmt.Sprintf("%q", []string): ["a" "b"]. */
export function goQuoted(v: Json | undefined): string {
  const list = Array.isArray(v) ? v : [];
  return `[${list.map((x) => JSON.stringify(typeof x === 'string' ? x : goString(x))).join(' ')}]`;
}

/** Vault's humanDuration: Go's Duration.String() without the trailing zero units ("768h", "1m30s"). */
export function humanDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const neg = seconds < 0;
  let rest = Math.abs(seconds);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = Math.round((rest - m * 60) * 1e9) / 1e9;
  let out = h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
  if (out.endsWith('m0s')) out = out.slice(0, -2);
  const i = out.indexOf('h0m');
  if (i > 0) out = out.slice(0, i + 1) + out.slice(i + 3);
  return (neg ? '-' : '') + out;
}

/** Vault's humanDurationInt: whole numbers of seconds become durations; anything else is unchanged. */
export function humanDurationValue(v: Json | undefined): Json | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? humanDuration(v) : v;
}

export function looksLikeDuration(k: string): boolean {
  return k === 'period' || k.endsWith('_period') || k === 'ttl' || k.endsWith('_ttl') || k === 'duration' || k.endsWith('_duration') || k === 'lease_max' || k === 'ttl_max';
}

// ---- tables (ryanuber/columnize with Vault's settings) ----

const runeLength = (s: string): number => [...s].length;

/** Aligns rows into columns: cells trimmed, empty cells "n/a", 4 spaces between columns, last column unpadded. */
export function columnize(rows: string[][]): string {
  const cells = rows.map((r) => r.map((c) => c.trim() || 'n/a'));
  const widths: number[] = [];
  for (const r of cells) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, runeLength(c))));
  return cells
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - runeLength(c) + 4))).join(''))
    .join('\n');
}

/** A table whose first row is the header; adds the `---` underline row as Vault does. */
export function tableOutput(rows: string[][]): string {
  if (rows.length === 0) return '';
  const underline = rows[0]!.map((h) => '-'.repeat(runeLength(h.trim())));
  return columnize([rows[0]!, underline, ...rows.slice(1)]);
}

/** `=== Data ===`: a section title padded with '=' to the width of a Key/Value table of `data`. */
export function headerForMap(title: string, data: JsonObject): string {
  const maxKey = Math.max(0, ...Object.keys(data).map((k) => k.length));
  return padEqualSigns(title, maxKey + 4 + 5);
}

export function padEqualSigns(title: string, totalLen: number): string {
  let n = totalLen - (title.length + 2);
  if (n <= 0) n = 4;
  if (n % 2 !== 0) n += 1;
  const side = '='.repeat(n / 2);
  return `${side} ${title} ${side}`;
}

/** `== Secret Path ==` followed by the path and a blank line. */
export function outputPath(ui: Ui, path: string, title: string): void {
  ui.out(padEqualSigns(title, path.length));
  ui.out(path);
  ui.out('');
}

// ---- JSON and YAML ----

function sortKeys(v: Json | undefined): Json {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isObject(v)) {
    const o: JsonObject = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k]);
    return o;
  }
  return v;
}

/** json.MarshalIndent(v, "", "  "): map keys sorted (unless `ordered`), <, > and & escaped. */
export function formatJson(v: Json | undefined, ordered = false): string {
  const text = JSON.stringify(ordered ? (v ?? null) : sortKeys(v), null, 2);
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function formatYaml(v: Json | undefined): string {
  return marshalYAML(v ?? null).trim();
}

/** The secret as Vault's api.Secret marshals it (struct order; maps inside sorted). */
export function secretStruct(s: Envelope): JsonObject {
  const o: JsonObject = {
    request_id: s.request_id ?? '',
    lease_id: s.lease_id ?? '',
    lease_duration: s.lease_duration ?? 0,
    renewable: s.renewable ?? false,
    data: sortKeys(s.data ?? null),
    warnings: s.warnings ?? null,
  };
  if (isObject(s.auth)) {
    const a = s.auth;
    const order = ['client_token', 'accessor', 'policies', 'token_policies', 'identity_policies', 'metadata', 'orphan', 'entity_id', 'lease_duration', 'renewable', 'mfa_requirement'];
    const auth: JsonObject = {};
    for (const k of order) if (k in a) auth[k] = sortKeys(a[k]);
    for (const k of Object.keys(a)) if (!(k in auth)) auth[k] = sortKeys(a[k]);
    o.auth = auth;
  }
  if (isObject(s.wrap_info)) o.wrap_info = s.wrap_info;
  if (typeof s.mount_type === 'string' && s.mount_type !== '') o.mount_type = s.mount_type;
  return o;
}

function formatted(format: Format, v: Json | undefined, ordered = false): string {
  return format === 'yaml' ? formatYaml(v) : formatJson(v, ordered);
}

// ---- what commands print ----

export function printWarnings(ui: Ui, s: Envelope | null): void {
  const w = s && Array.isArray(s.warnings) ? s.warnings : [];
  if (w.length === 0) return;
  ui.err('WARNING! The following warnings were returned from Coffer:\n');
  for (const x of w) {
    ui.err(wrapAtLength(`* ${goString(x)}`, 2));
    ui.err('');
  }
}

/**
 * Vault's wrapAtLengthWithPadding: kr/text's Wrap at 78 - pad columns (line breaks chosen for the
 * least raggedness, not greedily), every line indented by `pad`.
 */
export function wrapAtLength(s: string, pad: number): string {
  const lim = 78 - pad;
  const words = s.trim().replace(/\n/g, ' ').split(' ');
  const n = words.length;
  const len = (i: number, j: number): number => words.slice(i, j + 1).reduce((a, w) => a + w.length, 0) + (j - i);
  const cost = new Array<number>(n).fill(Number.MAX_SAFE_INTEGER);
  const brk = new Array<number>(n).fill(n);
  for (let i = n - 1; i >= 0; i--) {
    if (len(i, n - 1) <= lim || i === n - 1) {
      cost[i] = 0;
      brk[i] = n;
      continue;
    }
    for (let j = i + 1; j < n; j++) {
      const l = len(i, j - 1);
      let c = (lim - l) * (lim - l) + cost[j]!;
      if (l > lim) c += 100_000;
      if (c < cost[i]!) {
        cost[i] = c;
        brk[i] = j;
      }
    }
  }
  const lines: string[] = [];
  for (let i = 0; i < n; i = brk[i]!) lines.push(' '.repeat(pad) + words.slice(i, brk[i]).join(' '));
  return lines.join('\n');
}

/** Rows of a secret's Key/Value table, as TableFormatter.OutputSecret builds them. */
export function secretRows(s: Envelope): string[][] {
  const rows: string[][] = [];
  const leaseDuration = typeof s.lease_duration === 'number' ? s.lease_duration : 0;
  if (leaseDuration > 0) {
    if (s.lease_id) {
      rows.push(['lease_id', goString(s.lease_id)]);
      rows.push(['lease_duration', humanDuration(leaseDuration)]);
      rows.push(['lease_renewable', String(s.renewable === true)]);
    } else rows.push(['refresh_interval', humanDuration(leaseDuration)]);
  }
  if (isObject(s.auth)) {
    const a = s.auth;
    rows.push(['token', goString(a.client_token ?? '')]);
    rows.push(['token_accessor', goString(a.accessor ?? '')]);
    const d = typeof a.lease_duration === 'number' ? a.lease_duration : 0;
    rows.push(['token_duration', d === 0 ? '∞' : humanDuration(d)]);
    rows.push(['token_renewable', String(a.renewable === true)]);
    rows.push(['token_policies', goQuoted(a.token_policies)]);
    rows.push(['identity_policies', goQuoted(a.identity_policies)]);
    rows.push(['policies', goQuoted(a.policies)]);
    if (isObject(a.metadata)) for (const [k, v] of Object.entries(a.metadata)) rows.push([`token_meta_${k}`, goString(v)]);
  }
  if (isObject(s.wrap_info)) {
    const w = s.wrap_info;
    rows.push(['wrapping_token:', goString(w.token ?? '')]);
    rows.push(['wrapping_accessor:', goString(w.accessor ?? '')]);
    rows.push(['wrapping_token_ttl:', goString(humanDurationValue(w.ttl ?? 0))]);
    rows.push(['wrapping_token_creation_time:', goString(w.creation_time ?? '')]);
    rows.push(['wrapping_token_creation_path:', goString(w.creation_path ?? '')]);
    if (w.wrapped_accessor) rows.push(['wrapped_accessor:', goString(w.wrapped_accessor)]);
  }
  if (isObject(s.data)) rows.push(...mapRows(s.data));
  return rows;
}

function mapRows(data: JsonObject): string[][] {
  return Object.keys(data)
    .sort()
    .map((k) => [k, goString(looksLikeDuration(k) ? humanDurationValue(data[k]) : data[k])]);
}

/** OutputSecret: a whole response (envelope) in the chosen format. */
export function outputSecret(ui: Ui, format: Format, s: Envelope | null): number {
  if (!s) return 0;
  if (format !== 'table') {
    ui.out(formatted(format, secretStruct(s), true));
    return 0;
  }
  printWarnings(ui, s);
  const rows = secretRows(s);
  if (rows.length > 0) ui.out(tableOutput([['Key', 'Value'], ...rows]));
  return 0;
}

/** OutputData: a bare value (a map as Key/Value, a list as Keys). */
export function outputData(ui: Ui, format: Format, data: Json | undefined): number {
  if (format !== 'table') {
    ui.out(formatted(format, data));
    return 0;
  }
  if (Array.isArray(data)) {
    const keys = data.map((x) => goString(x)).sort();
    if (keys.length > 0) ui.out(tableOutput([['Keys'], ...keys.map((k) => [k])]));
    return 0;
  }
  if (isObject(data)) {
    const rows = mapRows(data);
    if (rows.length > 0) ui.out(tableOutput([['Key', 'Value'], ...rows]));
    return 0;
  }
  ui.out(goString(data));
  return 0;
}

/** OutputList: the keys of a LIST response (the whole response with -detailed in JSON/YAML). */
export function outputList(ui: Ui, format: Format, s: Envelope, detailed = false): number {
  const d = isObject(s.data) ? s.data : {};
  const keys = Array.isArray(d.keys) ? d.keys : [];
  if (format !== 'table') {
    ui.out(detailed ? formatted(format, secretStruct(s), true) : formatted(format, keys));
    return 0;
  }
  printWarnings(ui, s);
  const sorted = keys.map((k) => goString(k)).sort();
  const info = detailed && isObject(d.key_info) ? d.key_info : undefined;
  if (!info || Object.keys(info).length === 0) {
    ui.out(tableOutput([['Keys'], ...sorted.map((k) => [k])]));
    return 0;
  }
  const headers = [...new Set(sorted.flatMap((k) => (isObject(info[k]) ? Object.keys(info[k]) : [])))].sort();
  const rows = sorted.map((k) => {
    const i = info[k];
    return [k, ...headers.map((h) => (isObject(i) && h in i ? goString(looksLikeDuration(h) ? humanDurationValue(i[h]) : i[h]) : 'n/a'))];
  });
  ui.out(tableOutput([['Keys', ...headers], ...rows]));
  return 0;
}

/** The value -field names in a response: auth and wrap fields by their table names, else data[field]. */
export function secretField(s: Envelope, field: string): Json | undefined {
  const a = isObject(s.auth) ? s.auth : undefined;
  if (a) {
    const m: Record<string, Json | undefined> = {
      token: a.client_token,
      token_accessor: a.accessor,
      token_duration: a.lease_duration,
      token_renewable: a.renewable,
      token_policies: a.token_policies,
      identity_policies: a.identity_policies,
      policies: a.policies,
    };
    if (field in m) return m[field];
  }
  const w = isObject(s.wrap_info) ? s.wrap_info : undefined;
  if (w) {
    const m: Record<string, Json | undefined> = {
      wrapping_token: w.token,
      wrapping_accessor: w.accessor,
      wrapping_token_ttl: w.ttl,
      wrapping_token_creation_time: w.creation_time,
      wrapping_token_creation_path: w.creation_path,
      wrapped_accessor: w.wrapped_accessor,
    };
    if (field in m) return m[field];
  }
  const data = isObject(s.data) ? s.data : {};
  if (field in data) return data[field];
  if (field === 'refresh_interval' || field === 'lease_duration') return s.lease_duration;
  if (field === 'lease_id') return s.lease_id;
  if (field === 'lease_renewable') return s.renewable;
  return undefined;
}

/**
 * PrintRawField: the value alone. As Vault's CLI: a trailing newline only when stdout is a terminal,
 * so `$(coffer kv get -field=password ...)` and `> file` get exactly the value.
 */
export function printRawField(ui: Ui, format: Format, value: Json | undefined, field: string): number {
  if (value === undefined || value === null) {
    ui.err(`Field "${field}" not present in secret`);
    return 1;
  }
  const text = format === 'table' ? goString(value) : formatted(format, value);
  ui.raw(ui.isTerminal ? `${text}\n` : text);
  return 0;
}

// Data arguments as Vault's CLI reads them (its kvbuilder): `key=value`, `key=@file` (the file's
// contents), `key=\@x` (a literal "@x"), `key=-` (all of stdin), `-` alone (a JSON object from stdin,
// merged in); a repeated key becomes a list. Stdin is read once, whole, so heredocs work.

import { readFileSync } from 'node:fs';
import { decodeUtf8, InvalidUtf8 } from '../lib/utf8.js';
import { LocalError } from './config.js';
import { isObject, type Json, type JsonObject } from './http.js';

/** Reads all of stdin (a pipe, a file or a heredoc) as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return strictText(Buffer.concat(chunks), 'stdin');
}

/** Never alter a secret: bytes that are not UTF-8 are refused rather than turned into U+FFFD. */
function strictText(bytes: Buffer, what: string): string {
  try {
    return decodeUtf8(bytes);
  } catch (e) {
    if (!(e instanceof InvalidUtf8)) throw e;
    throw new LocalError(`${what} is not valid UTF-8 text (${e.message}); a binary value must be base64-encoded first (e.g. base64 -w0 FILE)`);
  }
}

export interface KvOptions {
  /** Where stdin comes from (tests pass text). */
  stdin?: () => Promise<string>;
}

export function readFileArg(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new LocalError(`error reading file: ${err.code === 'ENOENT' ? `open ${path}: no such file or directory` : err.message}`);
  }
  return strictText(bytes, `file ${path}`);
}

/** Parses key=value data arguments into the request body. */
export async function parseKeyValues(args: string[], opts: KvOptions = {}): Promise<JsonObject> {
  const stdin = opts.stdin ?? readStdin;
  let stdinUsed = false;
  const takeStdin = async (): Promise<string> => {
    if (stdinUsed) throw new LocalError('Failed to parse K=V data: stdin already consumed');
    stdinUsed = true;
    return stdin();
  };
  const out: JsonObject = {};
  for (const [i, raw] of args.entries()) {
    if (raw === '') continue;
    if (raw === '-') {
      const text = await takeStdin();
      let parsed: unknown;
      try {
        parsed = text.trim() === '' ? {} : JSON.parse(text);
      } catch (e) {
        throw new LocalError(`Failed to parse K=V data: stdin is not a JSON object: ${(e as Error).message}`);
      }
      if (!isObject(parsed)) throw new LocalError('Failed to parse K=V data: stdin is not a JSON object');
      Object.assign(out, parsed);
      continue;
    }
    const eq = raw.indexOf('=');
    // The argument is not echoed: a value pasted without its key may be a secret.
    if (eq <= 0) throw new LocalError(`Failed to parse K=V data: invalid key/value pair in argument ${i + 1}: format must be key=value`);
    const key = raw.slice(0, eq);
    let value = raw.slice(eq + 1);
    if (value.startsWith('@')) value = readFileArg(value.slice(1));
    else if (value.startsWith('\\@')) value = value.slice(1);
    else if (value === '-') value = await takeStdin();
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = [...(Array.isArray(prev) ? prev : [prev]), value] as Json[];
  }
  return out;
}

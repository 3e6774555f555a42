// consulTemplateFunctions(): consul-template's helper functions that need no Vault or
// Consul (template/funcs.go), with its argument order and error messages.
// The Vault functions (secret, secrets, pkiCert) belong to the agent.

import { readFileSync } from 'node:fs';
import type { FuncMap } from '../types.js';
import { goTrimSpace } from '../value.js';
import { containsSome, explodeMap, inList, loop, splitToMap } from './collections.js';
import {
  base64DecodeBytes,
  base64Encode,
  base64URLDecodeBytes,
  base64URLEncode,
  hmacSHA256Hex,
  md5sum,
  sha256Hex,
} from './encoding.js';
import { formatGoTime } from './gotime.js';
import { marshal, marshalIndent } from './json.js';
import { add, divide, maximum, minimum, modulo, multiply, subtract } from './math.js';
import { goParseBool, goParseDecimal, goParseFloat, parseJSONText } from './parsing.js';
import { regexMatch, regexReplaceAll } from './regexp.js';
import { sprigFunctions } from './sprig.js';
import { casesTitle, goReplaceAll, goSplit, goToLower, goToUpper, goTrim, indentLines } from './strings.js';
import { typed, typedRaw, wrap } from './typed.js';
import { marshalYAML } from './yaml.js';

export interface ConsulTemplateFunctionOptions {
  /** Environment for env/mustEnv/envOrDefault. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Reads a file for `file`. Default: fs.readFileSync(path, 'utf8'). */
  readonly readFile?: (path: string) => string;
  /** Clock for `timestamp`. Default: () => new Date(). */
  readonly now?: () => Date;
  /** Include the sprig_* functions (default true). */
  readonly sprig?: boolean;
}

function guard<T>(prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw wrap(prefix, e);
  }
}

const RFC3339 = '2006-01-02T15:04:05Z07:00';

export function consulTemplateFunctions(options: ConsulTemplateFunctionOptions = {}): FuncMap {
  const env = options.env ?? process.env;
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const now = options.now ?? (() => new Date());

  const funcs: FuncMap = {
    // Files and environment
    env: typed(['string'], (s: string) => env[s] ?? ''),
    mustEnv: typed(['string'], (s: string) => {
      const v = env[s] ?? '';
      if (v === '') throw new Error(`required environment variable ${s} is empty`);
      return v;
    }),
    envOrDefault: typed(['string', 'string'], (s: string, def: string) => (Object.prototype.hasOwnProperty.call(env, s) && env[s] !== undefined ? env[s] : def)),
    file: typed(['string'], (p: string) => (p === '' ? '' : readFile(p))),

    // Encoding and hashing
    base64Encode: typed(['string'], base64Encode),
    base64Decode: typed(['string'], (s: string) => guard('base64Decode', () => base64DecodeBytes(s).toString('utf8'))),
    base64URLEncode: typed(['string'], base64URLEncode),
    base64URLDecode: typed(['string'], (s: string) => guard('base64URLDecode', () => base64URLDecodeBytes(s).toString('utf8'))),
    sha256Hex: typed(['string'], sha256Hex),
    md5sum: typed(['string'], md5sum),
    hmacSHA256Hex: typed(['string', 'string'], hmacSHA256Hex),

    // Serialisation
    toJSON: typed(['any'], (v: unknown) => guard('toJSON', () => marshal(v))),
    toJSONPretty: typed(['any'], (v: unknown) => guard('toJSONPretty', () => marshalIndent(v, '  '))),
    toUnescapedJSON: typed(['any'], (v: unknown) => guard('toUnescapedJSON', () => marshal(v, false))),
    toUnescapedJSONPretty: typed(['any'], (v: unknown) => guard('toUnescapedJSONPretty', () => marshalIndent(v, '  ', false))),
    toYAML: typed(['any'], (v: unknown) => guard('toYAML', () => goTrimSpace(marshalYAML(v)))),
    parseJSON: typed(['string'], parseJSONText),
    parseBool: typed(['string'], (s: string) => (s === '' ? false : guard('parseBool', () => goParseBool(s)))),
    parseInt: typed(['string'], (s: string) => (s === '' ? 0 : guard('parseInt', () => goParseDecimal(s, false)))),
    parseUint: typed(['string'], (s: string) => (s === '' ? 0 : guard('parseUint', () => goParseDecimal(s, true)))),
    parseFloat: typed(['string'], (s: string) => (s === '' ? 0 : guard('parseFloat', () => goParseFloat(s)))),

    // Strings
    toLower: typed(['string'], goToLower),
    toUpper: typed(['string'], goToUpper),
    toTitle: typed(['string'], casesTitle),
    trimSpace: typed(['string'], goTrimSpace),
    trim: typed(['string', 'string'], (cutset: string, s: string) => goTrim(s, cutset)),
    trimPrefix: typed(['string', 'string'], (prefix: string, s: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
    trimSuffix: typed(['string', 'string'], (suffix: string, s: string) =>
      suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s,
    ),
    split: typed(['string', 'string'], (sep: string, s: string) => {
      const t = goTrimSpace(s);
      return t === '' ? [] : goSplit(t, sep);
    }),
    splitToMap: typed(['string', 'string', 'string'], splitToMap),
    join: typed(['string', 'strings'], (sep: string, list: readonly string[] | null) => (list ?? []).join(sep)),
    replaceAll: typed(['string', 'string', 'string'], (from: string, to: string, s: string) => goReplaceAll(s, from, to)),
    regexMatch: typed(['string', 'string'], regexMatch),
    regexReplaceAll: typed(['string', 'string', 'string'], regexReplaceAll),
    indent: typed(['int', 'string'], indentLines),

    // Collections
    contains: typed(['any', 'any'], (v: unknown, l: unknown) => inList(l, v)),
    in: typed(['any', 'any'], inList),
    containsAll: typed(['list', 'any'], containsSome(true, true)),
    containsAny: typed(['list', 'any'], containsSome(false, false)),
    containsNone: typed(['list', 'any'], containsSome(true, false)),
    containsNotAll: typed(['list', 'any'], containsSome(false, true)),
    loop: typed([], loop, 'any'),
    explodeMap: typed(['map'], explodeMap),

    // Other
    timestamp: typed(
      [],
      (...s: string[]) => {
        if (s.length === 0) return formatGoTime(now(), RFC3339);
        if (s.length === 1) return s[0] === 'unix' ? String(Math.floor(now().getTime() / 1000)) : formatGoTime(now(), s[0]);
        throw new Error(`timestamp: wrong number of arguments, expected 0 or 1, but got ${s.length}`);
      },
      'string',
    ),

    // Math
    add: typedRaw(['any', 'any'], add),
    subtract: typedRaw(['any', 'any'], subtract),
    multiply: typedRaw(['any', 'any'], multiply),
    divide: typedRaw(['any', 'any'], divide),
    modulo: typedRaw(['any', 'any'], modulo),
    minimum: typedRaw(['any', 'any'], minimum),
    maximum: typedRaw(['any', 'any'], maximum),
  };
  return options.sprig === false ? funcs : { ...funcs, ...sprigFunctions({ env }) };
}

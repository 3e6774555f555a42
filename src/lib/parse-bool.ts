// The one reader of boolean spellings, with Go's rules, for every place Coffer reads a boolean from
// text: query parameters, request fields, audit and mount options, server/agent config files, CLI
// flags and environment variables. lib/ is a leaf (it imports nothing of ours), so the server, the
// agent, the CLI, the client and the other leaves may all use it.
//
// - parseBool is Go's strconv.ParseBool: exactly 1 t T TRUE true True / 0 f F FALSE false False.
//   Case matters ("tRUE", "yes", "on" and " true" are refused), as in Vault's `?list=` and flags.
// - weakBool is mapstructure.WeakDecode into a bool, which Vault uses for TypeBool request fields
//   (sdk/framework field_data.go) and for config values (parseutil.ParseBool): a boolean as is, a
//   number by != 0, a string by ParseBool with "" meaning false. Request bodies are decoded by
//   Vault with json.Number, whose text goes through ParseBool: so in a request field only the
//   numbers 0 and 1 are booleans (`numbers: 'text'`), while a config file's 2 is true.

/** Go's strconv.ParseBool; undefined when `s` is not one of its twelve spellings. */
export function parseBool(s: string): boolean | undefined {
  switch (s) {
    case '1':
    case 't':
    case 'T':
    case 'TRUE':
    case 'true':
    case 'True':
      return true;
    case '0':
    case 'f':
    case 'F':
    case 'FALSE':
    case 'false':
    case 'False':
      return false;
    default:
      return undefined;
  }
}

export interface WeakBoolOptions {
  /** 'nonzero' (default): any non-zero number is true, as for HCL/Go ints; 'text': the number's text goes through parseBool (JSON request bodies). */
  numbers?: 'nonzero' | 'text';
}

/** mapstructure's weak decoding into a bool; undefined when `v` cannot be read as one. */
export function weakBool(v: unknown, opts: WeakBoolOptions = {}): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (opts.numbers === 'text') return parseBool(String(v));
    return Number.isNaN(v) ? undefined : v !== 0;
  }
  if (typeof v === 'string') return v === '' ? false : parseBool(v);
  return undefined;
}

/** How to say what is accepted, for error messages. */
export const BOOL_SPELLINGS = 'true or false (also 1/0, t/f, T/F, TRUE/FALSE, True/False)';

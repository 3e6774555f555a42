// `coffer unwrap [TOKEN]`: Vault's unwrap command. PUT sys/wrapping/unwrap with the wrapping token
// (the given one, else the CLI's own token: VAULT_TOKEN or ~/.vault-token) and print the response
// that was wrapped, as `coffer read` prints a secret (a wrapped LIST answer as a list).

import { expectArgs, Exit, type CommandSpec, type Context } from './base.js';
import { isObject, type Envelope } from './http.js';
import { outputList, outputSecret, printRawField, secretField } from './output.js';

/**
 * As Vault's api client Logical().Unwrap: with no client token the wrapping token is sent as
 * X-Vault-Token; when it differs from the client token it goes in the body; 404 means "nothing
 * wrapped there" unless the answer carries data.
 */
async function unwrap(c: Context, given: string): Promise<Envelope | null> {
  const client = c.client();
  const own = client.settings.token ?? '';
  const token = given === '' ? undefined : own === '' ? given : undefined;
  const body = given !== '' && own !== '' && given !== own ? { token: given } : undefined;
  return c.remote('Error unwrapping', () => client.request('PUT', 'sys/wrapping/unwrap', { ...(body ? { body } : {}), ...(token ? { token } : {}) }));
}

export const unwrapCommand: CommandSpec = {
  name: 'unwrap',
  synopsis: 'Unwrap a wrapped secret',
  args: '[options] [TOKEN]',
  sets: ['http', 'format', 'field'],
  help: `
  Unwraps a wrapped secret from Coffer by the given token. The result is the
  same as the "coffer read" operation on the non-wrapped secret. If no token
  is given, the data in the currently authenticated token is unwrapped.

  Unwrap the data in the cubbyhole secrets engine for a token:

      $ coffer unwrap 3de9ece1-b347-e143-29b0-dc2dc31caafd

  Unwrap the data in the active token:

      $ coffer login 848f9ccf-7176-098c-5e2b-75a0689d41cd
      $ coffer unwrap # unwraps 848f9ccf...`,
  async run(c) {
    expectArgs(c.args, 0, 1);
    const s = await unwrap(c, (c.args[0] ?? '').trim());
    if (!s) throw new Exit(2, 'Could not find wrapped response');
    if (c.field) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
    if (isObject(s.data) && Array.isArray(s.data.keys)) return outputList(c.ui, c.format, s);
    return outputSecret(c.ui, c.format, s);
  },
};

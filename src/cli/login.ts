// `coffer login`: authenticates with -method=token (the default: `coffer login TOKEN`, or a hidden
// prompt / stdin), userpass, approle or kubernetes (`role=my-role jwt=@token`, the pod's own token by
// default), at -path= (default: the method's name); then keeps the token in ~/.vault-token (0600)
// unless -no-store, and prints it as Vault's CLI does.

import { readFileSync } from 'node:fs';
import { parseKeyValues } from './args.js';
import { ArgsError, Exit, type CommandSpec, type Context } from './base.js';
import { LocalError, tokenHelper } from './config.js';
import { isObject, type Envelope, type Json, type JsonObject } from './http.js';
import { outputSecret, printRawField, secretField, wrapAtLength } from './output.js';
import { readLine } from './prompt.js';

/** Where a pod's service account token is mounted. */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

const str = (v: Json | undefined): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

async function secretValue(c: Context, data: JsonObject, key: string, prompt: string): Promise<string> {
  const v = data[key];
  if (v !== undefined) return str(v).trim();
  if (c.bool('non-interactive')) throw new LocalError(`Missing ${key}=...; with -non-interactive it cannot be prompted for`);
  return (await readLine(c, prompt)).trim();
}

/** Logs in with `token`: checks it with lookup-self and shapes the answer like a login's `auth`. */
async function tokenLogin(c: Context, data: JsonObject): Promise<Envelope> {
  const token = await secretValue(c, data, 'token', 'Token (will be hidden): ');
  if (!token) throw new LocalError('Error authenticating: no token was given (coffer login TOKEN, or token=- to read it from stdin)');
  const r = await c.remote('Error authenticating', () => c.client().request('GET', 'auth/token/lookup-self', { token }));
  const d = r && isObject(r.data) ? r.data : {};
  const policies = Array.isArray(d.policies) ? d.policies : [];
  return {
    request_id: r?.request_id ?? '',
    lease_id: '',
    lease_duration: 0,
    renewable: false,
    data: null,
    warnings: r?.warnings ?? null,
    auth: {
      client_token: token,
      accessor: str(d.accessor),
      policies,
      token_policies: policies,
      identity_policies: Array.isArray(d.identity_policies) ? d.identity_policies : [],
      metadata: isObject(d.meta) ? d.meta : null,
      lease_duration: typeof d.ttl === 'number' ? d.ttl : 0,
      renewable: d.renewable === true,
    },
  };
}

async function methodLogin(c: Context, method: string, mount: string, data: JsonObject): Promise<Envelope | null> {
  const body: JsonObject = { ...data };
  let path = `auth/${mount}/login`;
  switch (method) {
    case 'userpass': {
      const username = str(body.username);
      if (!username) throw new LocalError('Missing username: coffer login -method=userpass username=NAME [password=...]');
      body.password = await secretValue(c, body, 'password', 'Password (will be hidden): ');
      delete body.username;
      path = `auth/${mount}/login/${encodeURIComponent(username)}`;
      break;
    }
    case 'approle':
      if (!str(body.role_id)) throw new LocalError('Missing role_id: coffer login -method=approle role_id=ID secret_id=ID');
      break;
    case 'kubernetes':
      if (!str(body.role)) throw new LocalError('Missing role: coffer login -method=kubernetes role=NAME [jwt=@/path/to/token]');
      if (body.jwt === undefined) {
        try {
          body.jwt = readFileSync(SERVICE_ACCOUNT_TOKEN, 'utf8').trim();
        } catch {
          throw new LocalError(`Missing jwt: give jwt=@FILE (no service account token at ${SERVICE_ACCOUNT_TOKEN})`);
        }
      } else body.jwt = str(body.jwt).trim();
      break;
    default:
      throw new LocalError(`Unknown auth method: ${method}. Use "coffer auth list" to see the complete list of auth methods. The CLI logs in with token, userpass, approle and kubernetes; others are available via the HTTP API ("coffer write auth/${mount}/login ...").`);
  }
  return c.remote('Error authenticating', () => c.client().request('PUT', path, { body, token: null }));
}

export const loginCommand: CommandSpec = {
  name: 'login',
  synopsis: 'Authenticate locally',
  args: '[options] [AUTH K=V...]',
  sets: ['http', 'format', 'field'],
  flags: {
    method: { type: 'string', default: 'token', usage: 'Type of authentication to use such as "userpass", "approle" or "kubernetes". Note this corresponds to the TYPE, not the enabled path. Use -path to specify the path where the authentication is enabled.' },
    path: { type: 'string', default: '', usage: 'Remote path in Coffer where the auth method is enabled. This defaults to the TYPE of method (e.g. userpass -> userpass/).' },
    'no-store': { type: 'bool', default: false, usage: 'Do not persist the token to the token helper (usually the local filesystem) after authentication for use in future requests. The token will only be displayed in the command output.' },
    'no-print': { type: 'bool', default: false, usage: 'Do not display the token. The token will be still be stored to the configured token helper.' },
    'token-only': { type: 'bool', default: false, usage: 'Output only the token with no verification. This flag is a shortcut for "-field=token -no-store". Setting those flags to other values will have no affect.' },
  },
  help: `
  Authenticates users or machines to Coffer using the provided arguments. A
  successful authentication results in a Coffer token - conceptually similar to
  a session token on a website. By default, this token is cached on the local
  machine (~/.vault-token) for future requests.

  Authenticate with a token (or run "coffer login" alone to be prompted):

      $ coffer login hvs.CAESIJ...

  Authenticate as a Kubernetes service account through the kubernetes auth
  method mounted at kube-policy:

      $ coffer login -method=kubernetes -path=kube-policy role=my-role jwt=@token

  Authenticate with userpass, or an AppRole:

      $ coffer login -method=userpass username=my-username
      $ coffer login -method=approle role_id=... secret_id=...`,
  async run(c) {
    const method = c.str('method').toLowerCase() || 'token';
    const mount = (c.str('path') || method).replace(/^\/+|\/+$/g, '').replace(/^auth\//, '');
    let args = c.args;
    if (method === 'token' && args.length > 0 && !args[0]!.includes('=')) args = [`token=${args[0]}`, ...args.slice(1)];
    if (method === 'token' && args.length > 1) throw new ArgsError(`Too many arguments (expected 1, got ${args.length})`);
    const data = await parseKeyValues(args, { stdin: c.stdin });
    const tokenOnly = c.bool('token-only');
    const secret = method === 'token' ? await tokenLogin(c, data) : await methodLogin(c, method, mount, data);
    const auth = secret && isObject(secret.auth) ? secret.auth : undefined;
    const token = auth ? str(auth.client_token) : '';
    if (!secret || !token) throw new Exit(2, 'Error authenticating: the server returned no token');
    if (tokenOnly) return printRawField(c.ui, 'table', token, 'token');
    const noStore = c.bool('no-store');
    if (!noStore) {
      try {
        tokenHelper.store(token);
      } catch (e) {
        throw new Exit(2, `Error storing token: ${(e as Error).message}`);
      }
    }
    if (c.env.VAULT_TOKEN) {
      c.ui.err(`${wrapAtLength('WARNING! The VAULT_TOKEN environment variable is set! The value of this variable will take precedence; if this is unwanted please unset VAULT_TOKEN or update its value accordingly.', 0)}\n`);
    }
    if (c.field) return printRawField(c.ui, c.format, secretField(secret, c.field), c.field);
    if (c.bool('no-print')) {
      if (c.format === 'table') c.ui.out('Success! You are now authenticated.');
      return 0;
    }
    if (c.format === 'table') {
      const text = noStore
        ? 'Success! You are now authenticated. The token information displayed below is NOT stored in the token helper (-no-store): set VAULT_TOKEN to use it.'
        : 'Success! You are now authenticated. The token information displayed below is already stored in the token helper. You do NOT need to run "coffer login" again. Future Coffer requests will automatically use this token.';
      c.ui.out(`${wrapAtLength(text, 0)}\n`);
    }
    return outputSecret(c.ui, c.format, secret);
  },
};

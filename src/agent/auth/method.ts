// What every auto_auth method provides: one login, returning Vault's `auth` block (or, when the
// method asks for response wrapping, the wrap info the sink will write instead).

import type { AuthInfo, Client, WrapInfo } from '../../client/index.js';

export type LoginResult = { kind: 'token'; auth: AuthInfo } | { kind: 'wrapped'; wrapInfo: WrapInfo };

export interface AuthMethod {
  readonly type: string;
  login(client: Client, options: { wrapTtlSec?: number }): Promise<LoginResult>;
}

/** A local problem (a file the method needs), as opposed to an answer from the server. */
export class LocalAuthError extends Error {
  override readonly name = 'LocalAuthError';
}

/** POSTs `<mount>/login` without any token and unpacks the answer. */
export async function loginRequest(client: Client, path: string, body: Record<string, unknown>, wrapTtlSec: number | undefined): Promise<LoginResult> {
  const res = await client.request('POST', path, { body, token: null, retries: 0, ...(wrapTtlSec ? { wrapTtl: `${wrapTtlSec}s` } : {}) });
  if (wrapTtlSec && res?.wrap_info) return { kind: 'wrapped', wrapInfo: res.wrap_info };
  if (!res?.auth?.client_token) throw new Error(`POST /v1/${path}: the server answered without a token`);
  return { kind: 'token', auth: res.auth };
}

export async function readSecretFile(path: string, what: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LocalAuthError(`cannot read the ${what} at ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`);
  }
  const value = text.trim();
  if (value === '') throw new LocalAuthError(`the ${what} file ${path} is empty`);
  return value;
}

// Shared set-up for the AppRole unit tests: a harness mounted at auth/approle/ and small helpers to
// create a role, issue a secret ID and log in.

import assert from 'node:assert/strict';
import { approleBackendFactory } from '../../../../src/server/auth/approle/index.js';
import type { AuthRequest } from '../../../../src/server/framework/index.js';
import { createHarness, type Harness, type HarnessOptions } from '../../../support/backend-harness.js';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const approle = (opts: HarnessOptions = {}): Promise<Harness> => createHarness(approleBackendFactory, { mountPoint: 'auth/approle/', ...opts });

export async function role(h: Harness, name: string, data: Record<string, unknown> = {}): Promise<string> {
  const w = await h.request('update', `role/${name}`, data);
  assert.ok(w.status === 204 || w.status === 200, w.error);
  const r = await h.request('read', `role/${name}/role-id`);
  assert.equal(r.status, 200, r.error);
  return r.response!.data!.role_id as string;
}

export async function secretId(h: Harness, name: string, data: Record<string, unknown> = {}): Promise<{ secret_id: string; secret_id_accessor: string; secret_id_ttl: number; secret_id_num_uses: number }> {
  const r = await h.request('update', `role/${name}/secret-id`, data);
  assert.equal(r.status, 200, r.error);
  return r.response!.data as { secret_id: string; secret_id_accessor: string; secret_id_ttl: number; secret_id_num_uses: number };
}

export async function login(h: Harness, roleId: string, secret?: string): Promise<{ status: number; error?: string; auth?: AuthRequest }> {
  const r = await h.request('update', 'login', secret === undefined ? { role_id: roleId } : { role_id: roleId, secret_id: secret });
  return { status: r.status, error: r.error, auth: r.response?.auth };
}

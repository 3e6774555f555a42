// Roles in storage: `role/<name>` (JSON) and the reverse index `role_id/<hmac(role_id)>` -> name, used
// by login. Saving checks that a role ID belongs to one role only and moves the index when it changes.

import { badRequest, getJson, putJson, type StorageView } from '../../framework/index.js';
import type { Hmac } from './salt.js';
import type { RoleEntry } from './types.js';

interface RoleIdIndex {
  name: string;
}

export interface RoleStore {
  get(storage: StorageView, name: string): Promise<RoleEntry | null>;
  list(storage: StorageView): Promise<string[]>;
  /** Persists the role; `previousRoleId` is the role ID it had before this change ('' for a new role). */
  save(storage: StorageView, role: RoleEntry, previousRoleId: string): Promise<void>;
  /** Removes the role and its role ID index (the caller flushes its secret IDs first). */
  remove(storage: StorageView, role: RoleEntry): Promise<void>;
  nameForRoleId(storage: StorageView, roleId: string): Promise<string | null>;
}

export function createRoleStore(hmac: () => Promise<Hmac>): RoleStore {
  const indexKey = async (roleId: string): Promise<string> => `role_id/${(await hmac())(`role_id|${roleId}`)}`;
  return {
    get: (storage, name) => getJson<RoleEntry>(storage, `role/${name}`),
    list: async (storage) => (await storage.list('role/')).filter((k) => !k.endsWith('/')),
    async save(storage, role, previousRoleId) {
      const key = await indexKey(role.roleId);
      const owner = await getJson<RoleIdIndex>(storage, key);
      if (owner && owner.name !== role.name) throw badRequest('role_id already in use');
      if (previousRoleId !== '' && previousRoleId !== role.roleId) await storage.delete(await indexKey(previousRoleId));
      await putJson(storage, `role/${role.name}`, role);
      if (!owner) await putJson(storage, key, { name: role.name } satisfies RoleIdIndex);
    },
    async remove(storage, role) {
      await storage.delete(await indexKey(role.roleId));
      await storage.delete(`role/${role.name}`);
    },
    async nameForRoleId(storage, roleId) {
      const entry = await getJson<RoleIdIndex>(storage, await indexKey(roleId));
      return entry?.name ?? null;
    },
  };
}

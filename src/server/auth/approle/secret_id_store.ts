// Secret IDs in storage, only ever by salted HMAC:
//   secret_id/<hmac(role name)>/<hmac(secret ID)>  the secret ID's properties (SecretIdEntry)
//   accessor/<hmac(accessor)>                     -> which role folder and secret ID HMAC it names
// An expired secret ID reads as absent and is deleted when met (Coffer has no periodic tidy; see
// path_tidy.ts for the explicit one).

import { getJson, putJson, type StorageView } from '../../framework/index.js';
import type { Hmac } from './salt.js';
import type { AccessorEntry, SecretIdEntry } from './types.js';

export interface SecretIdRef {
  roleHmac: string;
  secretIdHmac: string;
}

export interface SecretIdStore {
  /** Where a secret ID of this role would be kept. */
  ref(roleName: string, secretId: string): Promise<SecretIdRef>;
  /** The secret ID an accessor names, if it belongs to this role. */
  refForAccessor(storage: StorageView, roleName: string, accessor: string): Promise<SecretIdRef | null>;
  /** The entry, or null when absent or expired (an expired one is deleted). */
  get(storage: StorageView, ref: SecretIdRef, now: number): Promise<SecretIdEntry | null>;
  put(storage: StorageView, ref: SecretIdRef, entry: SecretIdEntry): Promise<void>;
  /** Stores a new secret ID and its accessor index. */
  create(storage: StorageView, ref: SecretIdRef, entry: SecretIdEntry): Promise<void>;
  destroy(storage: StorageView, ref: SecretIdRef, entry: SecretIdEntry): Promise<void>;
  /** The live entries of a role. */
  list(storage: StorageView, roleName: string, now: number): Promise<SecretIdEntry[]>;
  /** Deletes every secret ID of a role (role deletion). */
  flush(storage: StorageView, roleName: string): Promise<void>;
  accessorKey(accessor: string): Promise<string>;
  /** Deletes expired secret IDs, those of roles that no longer exist, and accessors that lead nowhere. */
  tidy(storage: StorageView, roleNames: string[], now: number): Promise<{ secretIds: number; accessors: number }>;
}

const entryKey = (ref: SecretIdRef): string => `secret_id/${ref.roleHmac}/${ref.secretIdHmac}`;

export function createSecretIdStore(hmac: () => Promise<Hmac>): SecretIdStore {
  const roleHmac = async (roleName: string): Promise<string> => (await hmac())(`role|${roleName}`);
  const accessorKey = async (accessor: string): Promise<string> => `accessor/${(await hmac())(`accessor|${accessor}`)}`;

  const store: SecretIdStore = {
    accessorKey,
    async ref(roleName, secretId) {
      const h = await hmac();
      return { roleHmac: h(`role|${roleName}`), secretIdHmac: h(`secret_id|${secretId}`) };
    },
    async refForAccessor(storage, roleName, accessor) {
      const a = await getJson<AccessorEntry>(storage, await accessorKey(accessor));
      if (!a || a.roleHmac !== (await roleHmac(roleName))) return null;
      return { roleHmac: a.roleHmac, secretIdHmac: a.secretIdHmac };
    },
    async get(storage, ref, now) {
      const entry = await getJson<SecretIdEntry>(storage, entryKey(ref));
      if (!entry) return null;
      if (entry.expirationTime > 0 && entry.expirationTime <= now) {
        await store.destroy(storage, ref, entry);
        return null;
      }
      return entry;
    },
    put: (storage, ref, entry) => putJson(storage, entryKey(ref), entry),
    async create(storage, ref, entry) {
      await putJson(storage, await accessorKey(entry.accessor), { roleHmac: ref.roleHmac, secretIdHmac: ref.secretIdHmac } satisfies AccessorEntry);
      await putJson(storage, entryKey(ref), entry);
    },
    async destroy(storage, ref, entry) {
      await storage.delete(await accessorKey(entry.accessor));
      await storage.delete(entryKey(ref));
    },
    async list(storage, roleName, now) {
      const folder = await roleHmac(roleName);
      const out: SecretIdEntry[] = [];
      for (const secretIdHmac of await storage.list(`secret_id/${folder}/`)) {
        if (secretIdHmac.endsWith('/')) continue;
        const entry = await store.get(storage, { roleHmac: folder, secretIdHmac }, now);
        if (entry) out.push(entry);
      }
      return out;
    },
    async flush(storage, roleName) {
      const folder = await roleHmac(roleName);
      for (const secretIdHmac of await storage.list(`secret_id/${folder}/`)) {
        const ref = { roleHmac: folder, secretIdHmac };
        const entry = await getJson<SecretIdEntry>(storage, entryKey(ref));
        if (entry) await store.destroy(storage, ref, entry);
        else await storage.delete(entryKey(ref));
      }
    },
    async tidy(storage, roleNames, now) {
      const live = new Set(await Promise.all(roleNames.map(roleHmac)));
      let secretIds = 0;
      let accessors = 0;
      for (const folder of await storage.list('secret_id/')) {
        if (!folder.endsWith('/')) continue;
        const roleH = folder.slice(0, -1);
        for (const secretIdHmac of await storage.list(`secret_id/${folder}`)) {
          const ref = { roleHmac: roleH, secretIdHmac };
          const entry = await getJson<SecretIdEntry>(storage, entryKey(ref));
          const expired = entry !== null && entry.expirationTime > 0 && entry.expirationTime <= now;
          if (entry && live.has(roleH) && !expired) continue;
          if (entry) await store.destroy(storage, ref, entry);
          else await storage.delete(entryKey(ref));
          secretIds++;
        }
      }
      for (const key of await storage.list('accessor/')) {
        const a = await getJson<AccessorEntry>(storage, `accessor/${key}`);
        if (a && (await storage.get(entryKey(a))) !== null) continue;
        await storage.delete(`accessor/${key}`);
        accessors++;
      }
      return { secretIds, accessors };
    },
  };
  return store;
}

// Users in storage at `user/<name>` (names are lower-cased before they get here).

import { getJson, putJson, type StorageView } from '../../framework/index.js';
import type { UserEntry } from './types.js';

export const getUser = (storage: StorageView, name: string): Promise<UserEntry | null> => getJson<UserEntry>(storage, `user/${name}`);

export const putUser = (storage: StorageView, name: string, user: UserEntry): Promise<void> => putJson(storage, `user/${name}`, user);

export const deleteUser = (storage: StorageView, name: string): Promise<void> => storage.delete(`user/${name}`);

export async function listUsers(storage: StorageView): Promise<string[]> {
  return (await storage.list('user/')).filter((k) => !k.endsWith('/'));
}

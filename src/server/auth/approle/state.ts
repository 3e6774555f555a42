// What every AppRole path shares: the stores, the clock, the mount's limits and a per-role lock
// (role writes, secret ID issue/consume/destroy and role deletion of one role never interleave).

import type { Clock, SystemView } from '../../framework/index.js';
import type { KeyedLock } from '../../framework/index.js';
import type { RoleStore } from './role_store.js';
import type { SecretIdStore } from './secret_id_store.js';

export interface ApproleState {
  roles: RoleStore;
  secretIds: SecretIdStore;
  roleLock: KeyedLock;
  clock: Clock;
  system: SystemView;
  mountPoint: string;
}

/** Path pattern piece for a role name, as Vault's framework.GenericNameRegex. */
export const ROLE_NAME = '(?<role_name>\\w(?:[\\w.-]*\\w)?)';

// The catalogue of secrets engine and auth method types that can be enabled, by Vault's type names.
// Built-in backends that need the core (system, token) are mounted by the core itself.

import type { BackendFactory } from '../framework/types.js';
import { kvBackendFactory } from '../engines/kv/index.js';
import { databaseBackendFactory } from '../engines/database/index.js';
import { approleBackendFactory } from '../auth/approle/index.js';
import { userpassBackendFactory } from '../auth/userpass/index.js';
import { kubernetesBackendFactory } from '../auth/kubernetes/index.js';

export interface BackendType {
  factory: BackendFactory;
  /** Options forced by the type name (e.g. kv-v2 is kv with version 2). */
  options?: Record<string, string>;
  /** The type name stored in the mount table. */
  canonical: string;
}

export const SECRET_ENGINE_TYPES: Record<string, BackendType> = {
  kv: { factory: kvBackendFactory, canonical: 'kv' },
  'kv-v1': { factory: kvBackendFactory, canonical: 'kv', options: { version: '1' } },
  'kv-v2': { factory: kvBackendFactory, canonical: 'kv', options: { version: '2' } },
  generic: { factory: kvBackendFactory, canonical: 'kv', options: { version: '1' } },
  database: { factory: databaseBackendFactory, canonical: 'database' },
};

export const AUTH_METHOD_TYPES: Record<string, BackendType> = {
  approle: { factory: approleBackendFactory, canonical: 'approle' },
  userpass: { factory: userpassBackendFactory, canonical: 'userpass' },
  kubernetes: { factory: kubernetesBackendFactory, canonical: 'kubernetes' },
};

/** Mount paths users may not enable or disable. */
export const PROTECTED_MOUNTS = ['sys/', 'cubbyhole/', 'auth/token/', 'identity/'];

// Public surface of the physical storage layer: the contract, the backends, the cache and the factory.

export type { PhysicalStorage } from './types.js';
export { InvalidKeyError, MAX_KEY_BYTES, compareKeys } from './keys.js';
export { createMemoryStorage } from './memory.js';
export { openSqliteStorage, type SqliteOptions } from './sqlite.js';
export { openPostgresStorage, type PostgresOptions } from './postgresql.js';
export { withReadCache, DEFAULT_CACHE_SIZE } from './cache.js';
export { createStorage, SUPPORTED_STORAGE_TYPES } from './factory.js';

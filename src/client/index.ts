// The client's public API: Client, VaultError and the types of what they take and return.

export { Client, DEFAULT_TIMEOUT_MS, type ClientOptions } from './client.js';
export { VaultError, isVaultError, type VaultErrorKind } from './errors.js';
export { configFromEnv, DEFAULT_ADDRESS, type EnvConfig } from './env.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export type { AuthInfo, Query, QueryValue, RawResponse, RequestOptions, VaultResponse, WrapInfo } from './types.js';
export { KvApi, KvV1, KvV2, kvKind, type KvKind, type KvV2Metadata, type KvV2MetadataInput, type KvV2Secret, type KvV2VersionInfo, type KvV2VersionMetadata } from './kv.js';
export type { HealthQuery, HealthResponse, InitOptions, InitResponse, LeaseInfo, MountInput, MountOutput, Policy, SealStatus, TuneInput, TuneOutput, UiMountOutput } from './sys.js';
export type { TokenCreateRequest, TokenLookup } from './token.js';
export { SERVICE_ACCOUNT_TOKEN_PATH, type AppRoleLogin, type KubernetesLogin, type UserpassLogin } from './auth.js';
export { LifetimeWatcher, systemClock, type Clock, type DoneEvent, type DoneReason, type LifetimeWatcherOptions, type RenewEvent } from './lifetime-watcher.js';

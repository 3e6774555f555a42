// The framework's public face for backends: types, errors, field helpers and storage helpers.

export * from './types.js';
export * from './errors.js';
export { parseDurationSeconds, formatDuration } from './duration.js';
export { getJson, putJson, listRecursive, subView } from './json-storage.js';
export { hmacSha256Hex } from '../crypto/hmac.js';
export { parseCidrs, ipInCidrs } from './cidr.js';
export { TOKEN_FIELDS, DEFAULT_TOKEN_PARAMS, parseTokenParams, tokenParamsData, legacyTokenData, noteLegacy, authFromTokenParams, type LegacyTokenField, type TokenParams } from './token-fields.js';
export { createKeyedLock, type KeyedLock } from './keyed-lock.js';
export { setOwn } from './own-property.js';

// The audit package's public face: the broker the core uses, plus the pieces tests and sys/ handlers need.

export { AuditBroker, normalizeAuditPath, type EnableParams } from './broker.js';
export type { AuditDeviceListing, AuditEntry, AuditMeta } from './types.js';
export { hashData } from './hash-structure.js';

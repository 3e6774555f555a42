// Coffer's public library entry: the typed Vault-API client. The template engine is published
// separately as `coffer/template`, the HCL reader as `coffer/hcl`.

export * from './client/index.js';

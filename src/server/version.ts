// The version Coffer reports in seal-status and health (Vault-style "X.Y.Z"): the package's version.

export { PACKAGE_VERSION as VERSION } from '../version.js';

// The version Coffer reports in seal-status and health (Vault-style "X.Y.Z").

export const VERSION = '0.1.0';

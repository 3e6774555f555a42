// Coffer's version, read once from the package's own package.json, so the CLI (`coffer version`) and
// the server (seal-status, health, path-help) report the same one.

import { readFileSync } from 'node:fs';

/** package.json sits two folders up from dist/src/version.js. */
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

function readVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  const v = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  if (typeof v !== 'string' || v === '') throw new Error(`no version in ${PACKAGE_JSON.pathname}`);
  return v;
}

export const PACKAGE_VERSION = readVersion();

// `coffer version` (and -v, -version, --version): "Coffer v<version>" as Vault prints
// "Vault v1.15.0", the version read from the package's own package.json.

import { readFileSync } from 'node:fs';

/** package.json sits three folders up from dist/src/cli/version.js. */
const PACKAGE_JSON = new URL('../../../package.json', import.meta.url);

export function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  const v = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  if (typeof v !== 'string' || v === '') throw new Error(`no version in ${PACKAGE_JSON.pathname}`);
  return v;
}

export function versionLine(): string {
  return `Coffer v${packageVersion()}`;
}

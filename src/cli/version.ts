// `coffer version` (and -v, -version, --version): "Coffer v<version>" as Vault prints
// "Vault v1.15.0", the version read from the package's own package.json.

import { PACKAGE_VERSION } from '../version.js';

export function versionLine(): string {
  return `Coffer v${PACKAGE_VERSION}`;
}

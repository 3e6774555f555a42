// Coffer's HCL version 1 reader (what Vault uses for policies, server and agent config). Written by hand
// because no npm package reads HCL1 the way Go's github.com/hashicorp/hcl does (octal 0640, block shapes).

export { parseHcl, parseHclDocument, type HclDocument } from './document.js';
export { HclError } from './error.js';
export type { HclObject, HclParseOptions, HclPosition, HclValue } from './types.js';
export { suggest } from './suggest.js';

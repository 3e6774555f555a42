// The system backend mounted at sys/: assembles the path groups (seal, mounts, policies, leases,
// wrapping, audit, metrics, ACL explanations, quotas). It is part of the core, so it talks to the Core object directly.

import type { Core } from '../core.js';
import type { Backend } from '../../framework/types.js';
import { sealPaths } from './seal-paths.js';
import { mountPaths } from './mount-paths.js';
import { policyPaths } from './policy-paths.js';
import { leasePaths } from './lease-paths.js';
import { wrappingPaths } from './wrapping-paths.js';
import { auditPaths, metricsPaths } from './audit-metrics-paths.js';
import { explainPaths } from './explain-paths.js';
import { quotaPaths } from './quota-paths.js';

export function systemBackend(core: Core): Backend {
  return {
    paths: [
      ...sealPaths(core, core.storageType),
      ...mountPaths(core),
      ...policyPaths(core),
      ...leasePaths(core),
      ...wrappingPaths(core),
      ...auditPaths(core),
      ...metricsPaths(core.metrics),
      ...explainPaths(core),
      ...quotaPaths(core),
    ],
  };
}

// sys/audit (list, enable, disable), sys/audit-hash and sys/metrics.

import type { Core } from '../core.js';
import type { PathDef } from '../../framework/types.js';
import { badRequest } from '../../framework/errors.js';
import type { Metrics } from '../../metrics.js';

export function auditPaths(core: Core): PathDef[] {
  return [
    { pattern: 'audit/?', sudo: true, operations: { read: async () => ({ data: core.audit.list(), topLevelData: true }) } },
    {
      pattern: 'audit/(?<path>.+)',
      sudo: true,
      fields: { path: { type: 'string' }, type: { type: 'string' }, description: { type: 'string' }, options: { type: 'map' }, local: { type: 'bool' } },
      operations: {
        update: async (_r, f) => {
          const type = f.get<string>('type');
          if (!type) throw badRequest('missing required field "type"');
          const options: Record<string, string> = {};
          for (const [k, v] of Object.entries(f.get<Record<string, unknown>>('options'))) options[k] = String(v);
          await core.audit.enable(f.get<string>('path'), { type, description: f.get<string>('description'), options, local: f.get<boolean>('local') });
          return null;
        },
        delete: async (_r, f) => {
          await core.audit.disable(f.get<string>('path'));
          return null;
        },
      },
    },
    {
      pattern: 'audit-hash/(?<path>.+)',
      fields: { path: { type: 'string' }, input: { type: 'string' } },
      operations: { update: async (_r, f) => ({ data: { hash: core.audit.hash(f.get<string>('path'), f.get<string>('input')) }, topLevelData: true }) },
    },
  ];
}

export function metricsPaths(metrics: Metrics): PathDef[] {
  return [
    {
      pattern: 'metrics',
      fields: { format: { type: 'string' } },
      operations: {
        read: async (_r, f) => {
          const format = f.get<string>('format');
          if (format === 'prometheus') {
            return { raw: { status: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() } };
          }
          if (format !== '' && format !== 'json') throw badRequest(`unsupported metrics format "${format}": use prometheus`);
          return { data: { metrics: await metrics.registry.getMetricsAsJSON() }, bareBody: true };
        },
      },
    },
  ];
}

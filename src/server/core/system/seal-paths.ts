// sys/init, sys/seal-status, sys/unseal, sys/seal, sys/health, sys/leader, sys/ha-status,
// sys/step-down, sys/rotate and sys/key-status: the seal lifecycle, health and HA state, with Vault's
// fields and status codes.

import type { Core } from '../core.js';
import type { PathDef, Response } from '../../framework/types.js';
import { badRequest } from '../../framework/errors.js';
import { decodeUnsealKey } from '../seal.js';
import { VERSION } from '../../version.js';

async function sealStatus(core: Core, storageType: string): Promise<Record<string, unknown>> {
  const s = await core.seal.status();
  return {
    type: s.type,
    initialized: s.initialized,
    sealed: s.sealed,
    t: s.t,
    n: s.n,
    progress: s.progress,
    nonce: s.nonce,
    version: VERSION,
    build_date: '',
    migration: false,
    recovery_seal: false,
    storage_type: storageType,
    ...(s.sealed ? {} : { cluster_name: 'coffer', cluster_id: '' }),
  };
}

function statusOverride(query: Record<string, unknown>, name: string, fallback: number): number {
  const v = query[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 100 || n > 599) throw badRequest(`invalid ${name}: ${String(v)}`);
  return n;
}

export function sealPaths(core: Core, storageType: string): PathDef[] {
  const top = (data: Record<string, unknown>): Response => ({ data, bareBody: true });
  return [
    {
      pattern: 'init',
      unauthenticated: true,
      fields: {
        secret_shares: { type: 'int' },
        secret_threshold: { type: 'int' },
        pgp_keys: { type: 'strings' },
        root_token_pgp_key: { type: 'string' },
        stored_shares: { type: 'int' },
        recovery_shares: { type: 'int' },
        recovery_threshold: { type: 'int' },
        recovery_pgp_keys: { type: 'strings' },
      },
      operations: {
        read: async () => top({ initialized: (await core.seal.status()).initialized }),
        update: async (_r, f) => {
          if (f.get<string[]>('pgp_keys').length > 0 || f.get<string>('root_token_pgp_key')) {
            throw badRequest('PGP-encrypted key shares are not supported; omit pgp_keys and root_token_pgp_key');
          }
          if (!f.has('secret_shares') || !f.has('secret_threshold')) throw badRequest('secret_shares and secret_threshold are required');
          const { keys, rootToken } = await core.initialize(f.get<number>('secret_shares'), f.get<number>('secret_threshold'));
          return top({
            keys: keys.map((k) => k.toString('hex')),
            keys_base64: keys.map((k) => k.toString('base64')),
            root_token: rootToken,
          });
        },
      },
    },
    { pattern: 'seal-status', unauthenticated: true, operations: { read: async () => top(await sealStatus(core, storageType)) } },
    {
      pattern: 'unseal',
      unauthenticated: true,
      fields: { key: { type: 'string' }, reset: { type: 'bool' }, migrate: { type: 'bool' } },
      operations: {
        update: async (_r, f) => {
          if (f.get<boolean>('reset')) core.seal.resetProgress();
          else {
            const key = f.get<string>('key');
            if (!key) throw badRequest("'key' must be specified in request body as JSON, or 'reset' set to true");
            if (!(await core.seal.status()).initialized) throw badRequest('Vault is not initialized');
            await core.unseal(decodeUnsealKey(key));
          }
          return top(await sealStatus(core, storageType));
        },
      },
    },
    {
      pattern: 'seal',
      sudo: true,
      operations: {
        update: async () => ({ status: 204, afterAudit: () => core.sealCore() }),
      },
    },
    {
      pattern: 'health',
      unauthenticated: true,
      fields: {
        standbyok: { type: 'bool' },
        perfstandbyok: { type: 'bool' },
        activecode: { type: 'raw' },
        standbycode: { type: 'raw' },
        sealedcode: { type: 'raw' },
        uninitcode: { type: 'raw' },
        drsecondarycode: { type: 'raw' },
        performancestandbycode: { type: 'raw' },
      },
      operations: {
        read: async (_r, f) => {
          const s = await core.seal.status();
          const q = f.raw;
          const ha = core.haHooks?.control;
          const standby = ha !== undefined && !s.sealed && !ha.isActive();
          const standbyOk = f.get<boolean>('standbyok') === true;
          const status = !s.initialized
            ? statusOverride(q, 'uninitcode', 501)
            : s.sealed
              ? statusOverride(q, 'sealedcode', 503)
              : standby && !standbyOk
                ? statusOverride(q, 'standbycode', 429)
                : statusOverride(q, 'activecode', 200);
          return {
            status,
            data: {
              initialized: s.initialized,
              sealed: s.sealed,
              standby,
              performance_standby: false,
              replication_performance_mode: 'disabled',
              replication_dr_mode: 'disabled',
              server_time_utc: Math.floor(core.clock.now() / 1000),
              version: VERSION,
              enterprise: false,
              ...(s.initialized && !s.sealed ? { cluster_name: 'coffer', cluster_id: '' } : {}),
            },
            bareBody: true,
          };
        },
      },
    },
    {
      pattern: 'leader',
      unauthenticated: true,
      operations: {
        read: async () => {
          const ha = core.haHooks?.control;
          if (!ha || core.isSealed) {
            return top({ ha_enabled: ha !== undefined, is_self: false, active_time: '0001-01-01T00:00:00Z', leader_address: '', leader_cluster_address: '', performance_standby: false, performance_standby_last_remote_wal: 0 });
          }
          const self = ha.isActive();
          const leader = self ? (ha.currentLeader() ?? (await ha.fetchLeader())) : await ha.fetchLeader();
          return top({
            ha_enabled: true,
            is_self: self,
            active_time: leader?.activeSince ?? '0001-01-01T00:00:00Z',
            leader_address: self ? ha.self.apiAddr : (leader?.apiAddr ?? ''),
            leader_cluster_address: self ? ha.self.clusterAddr : (leader?.clusterAddr ?? ''),
            performance_standby: false,
            performance_standby_last_remote_wal: 0,
          });
        },
      },
    },
    {
      pattern: 'ha-status',
      operations: {
        read: async () => {
          const ha = core.haHooks?.control;
          if (!ha) throw badRequest('high availability is not enabled on this node (storage ha_enabled or ha_storage)');
          const leader = ha.isActive() ? ha.currentLeader() : await ha.fetchLeader();
          const nodes = (await ha.nodes()).map((n) => {
            const active = leader !== null && n.nodeId === leader.nodeId;
            return {
              hostname: n.nodeId,
              api_address: n.apiAddr,
              cluster_address: n.clusterAddr,
              active_node: active,
              last_echo: active ? null : n.lastEcho,
              version: n.version,
              upgrade_version: n.version,
              redundancy_zone: '',
            };
          });
          return { data: { nodes }, topLevelData: true };
        },
      },
    },
    {
      pattern: 'step-down',
      sudo: true,
      operations: {
        // Reaches only the active node: a standby forwards it (ha/forward.ts).
        update: async () => {
          const ha = core.haHooks?.control;
          if (ha) return { status: 204, afterAudit: () => ha.stepDown() };
          return null;
        },
      },
    },
    {
      pattern: 'rotate',
      sudo: true,
      operations: {
        update: async () => {
          await core.barrier.rotate();
          return null;
        },
      },
    },
    {
      pattern: 'key-status',
      operations: {
        read: async () => {
          const k = core.barrier.keyStatus();
          return { data: { term: k.term, install_time: k.installTime, encryptions: k.encryptions }, topLevelData: true };
        },
      },
    },
  ];
}

// The backend-neutral contract of high availability: what a storage engine (PostgreSQL today, etcd
// next) must offer so several Coffer nodes on one database elect one active node, fence a deposed
// one, see each other, and learn of writes made elsewhere. The HA manager (ha/manager.ts) drives it;
// nothing above the manager knows which engine is underneath.
//
// Rules every implementation keeps:
// - Time: the lock's expiry is judged by the ENGINE's clock (PostgreSQL now(), etcd lease TTL), never
//   by comparing clocks of two nodes. Nodes only measure durations on their own monotonic clock.
// - Epoch: every successful tryAcquire yields an epoch that is strictly greater than any epoch handed
//   out before for this lock (PostgreSQL: a counter column incremented by each new holder; etcd: the
//   lock key's mod_revision). Epochs are decimal strings so 64-bit values survive JSON.
// - Fencing: FencedStorage.put/delete with fence E succeed only if, INSIDE the same transaction as the
//   write, the lock is still held with epoch E and not expired by the engine's clock (PostgreSQL: the
//   lock row read FOR SHARE with epoch = E AND expires_at > now() in the write's statement; etcd: a txn
//   comparing the lock key's mod_revision = E, with the key attached to a live lease). Otherwise they
//   throw FencedWriteError and change nothing.
// - Invalidation: every committed fenced write of key K is eventually delivered to every subscriber
//   as {kind: 'invalidate', key: K} (PostgreSQL: pg_notify in the write's transaction, delivered at
//   commit; etcd: a watch on the data prefix). Delivery may be late or (on reconnect) lost, in which
//   case the subscriber gets {kind: 'resync'} and must drop every cache. subscribe() also sends
//   'resync' once the subscription is live (writes before it were not heard).

import type { PhysicalStorage } from '../storage/types.js';

/** Who a node is, as others see it (sys/leader, sys/ha-status, request forwarding). */
export interface HaNodeInfo {
  /** Stable for the life of the process; unique across the cluster (random UUID by default). */
  nodeId: string;
  /** Where clients (and forwarded requests) reach this node: Vault's api_addr, e.g. https://10.0.0.5:8200. */
  apiAddr: string;
  /** Vault's cluster_addr (informational; Coffer forwards over api_addr). */
  clusterAddr: string;
  /** Coffer's version, shown in sys/ha-status. */
  version: string;
}

/** The current holder of the lock, as stored in the engine. */
export interface HaLeader extends HaNodeInfo {
  epoch: string;
  /** When this holder acquired the lock (engine clock, ISO 8601 UTC). */
  activeSince: string;
}

/** One node's last heartbeat (sys/ha-status). */
export interface HaNodeRecord extends HaNodeInfo {
  /** Last heartbeat, engine clock, ISO 8601 UTC. */
  lastEcho: string;
}

export type HaEvent =
  /** A fenced write of this key committed (on any node, the sender included). */
  | { kind: 'invalidate'; key: string }
  /** The lock was released or changed hands: standbys should try to acquire / re-read the leader now. */
  | { kind: 'leader-changed' }
  /** Events may have been missed (subscription reconnected): drop every cache. */
  | { kind: 'resync' };

/** A write refused because the writer does not hold the lock with the epoch it wrote under. */
export class FencedWriteError extends Error {
  readonly code = 'COFFER_FENCED';
  constructor(message = 'write refused: this node is not the active node (HA lock not held)') {
    super(message);
    this.name = 'FencedWriteError';
  }
}

export function isFencedWriteError(e: unknown): e is FencedWriteError {
  return e instanceof Error && (e as { code?: unknown }).code === 'COFFER_FENCED';
}

/**
 * The data storage of an HA cluster. Reads are plain; writes are fenced by the epoch last given to
 * setFence. With fence null (a standby, or an active that stepped down) every write throws
 * FencedWriteError without touching the engine.
 */
export interface FencedStorage extends PhysicalStorage {
  setFence(epoch: string | null): void;
  readonly fence: string | null;
}

export interface HaBackend {
  /** 'postgresql', 'etcd': shown in logs and sys/ha-status. */
  readonly type: string;
  /**
   * Takes the lock if it is free or expired (engine clock), for leaseMs. Returns the new epoch, or
   * null when another live holder has it. Also returns a new epoch when this node already holds it.
   */
  tryAcquire(node: HaNodeInfo, leaseMs: number): Promise<string | null>;
  /** Extends the lock held with epoch by leaseMs from now (engine clock); false when it is not held with epoch any more. */
  renew(epoch: string, leaseMs: number): Promise<boolean>;
  /** Gives the lock up at once (if still held with epoch) and tells subscribers 'leader-changed'. */
  release(epoch: string): Promise<void>;
  /** The live holder (lock not expired by the engine's clock), or null. */
  leader(): Promise<HaLeader | null>;
  /** Records that node is alive (engine clock); nodes not heard of for a while drop out of nodes(). */
  heartbeat(node: HaNodeInfo): Promise<void>;
  /** Nodes that sent a heartbeat within maxAgeMs (engine clock). */
  nodes(maxAgeMs: number): Promise<HaNodeRecord[]>;
  /** Delivers events until the returned function is called. */
  subscribe(onEvent: (event: HaEvent) => void): Promise<() => Promise<void>>;
  /** The data storage, fenced by this backend's lock. */
  readonly storage: FencedStorage;
  /** Releases connections (not the lock: call release first for a graceful hand-over). */
  close(): Promise<void>;
}

/** What sys/leader, sys/health, sys/ha-status, sys/step-down and the HTTP layer ask of the HA manager. */
export interface HaControl {
  /** This node holds the lock and its last renew is recent enough to still trust it (local monotonic clock). */
  isActive(): boolean;
  /** The node as configured (api_addr, cluster_addr). */
  readonly self: HaNodeInfo;
  /** The active node as last seen (refreshed by the standby loop); null when none is known. */
  currentLeader(): HaLeader | null;
  /** The active node as the engine says now (falls back to the last seen one when the engine cannot answer). */
  fetchLeader(): Promise<HaLeader | null>;
  /** Nodes seen recently, for sys/ha-status. */
  nodes(): Promise<HaNodeRecord[]>;
  /** Gives the lock up at once so a standby takes over; this node stays a standby for a while. */
  stepDown(): Promise<void>;
  /** A write was refused by the fence: this node is not active any more. */
  writeRefused(): void;
}

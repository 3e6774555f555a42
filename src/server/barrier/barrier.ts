// The security barrier: every value that reaches physical storage is AES-256-GCM encrypted with the
// active key of the keyring (its key path as AAD); the keyring itself is encrypted by the root key,
// which only exists in memory while unsealed. Only the seal configuration is stored in the clear.
// An optional LRU keeps recently used entries decrypted (cache_size): whoever can read this process's
// memory can read the keyring anyway, and it saves an AES-GCM open on every hot read. It is emptied
// on seal.

import { randomBytes } from 'node:crypto';
import type { PhysicalStorage } from '../storage/types.js';
import type { StorageView } from '../framework/types.js';
import { open, seal, termOf } from './aead.js';
import { createLru, type Lru } from '../storage/lru.js';

export const KEYRING_PATH = 'core/keyring';
export const SEAL_CONFIG_PATH = 'core/seal-config';

interface KeyTerm {
  term: number;
  key: Buffer;
  installTime: string;
}

interface StoredKeyring {
  activeTerm: number;
  keys: { term: number; key: string; installTime: string }[];
}

export interface KeyStatus {
  term: number;
  installTime: string;
  encryptions: number;
}

export class SealedError extends Error {
  constructor() {
    super('Vault is sealed');
  }
}

export class Barrier implements StorageView {
  private terms = new Map<number, KeyTerm>();
  private active: KeyTerm | null = null;
  private rootKey: Buffer | null = null;
  private encryptions = 0;
  private readonly cache: Lru<Buffer | null> | null;
  /** Off on an HA standby: another node writes, so every read goes to storage. */
  private caching = true;

  constructor(
    private readonly physical: PhysicalStorage,
    private readonly now: () => number = Date.now,
    cacheSize = 0,
  ) {
    this.cache = cacheSize > 0 ? createLru<Buffer | null>(cacheSize) : null;
  }

  /** Turns the decrypted-entry cache on or off (off empties it). */
  setCaching(on: boolean): void {
    this.caching = on;
    if (!on) this.cache?.clear();
  }

  /** Forgets one cached entry (another node wrote it). */
  invalidate(key: string): void {
    this.cache?.delete(key);
  }

  /** Re-reads the keyring with the root key held in memory (another node rotated it). */
  async reloadKeyring(): Promise<void> {
    const rootKey = this.rootKey;
    if (!rootKey || !this.active) return;
    const sealedRing = await this.physical.get(KEYRING_PATH);
    if (!sealedRing) return;
    const stored = JSON.parse(open(rootKey, sealedRing, KEYRING_PATH).toString('utf8')) as StoredKeyring;
    for (const k of stored.keys) {
      if (!this.terms.has(k.term)) this.terms.set(k.term, { term: k.term, key: Buffer.from(k.key, 'base64'), installTime: k.installTime });
    }
    const active = this.terms.get(stored.activeTerm);
    if (active) this.active = active;
  }

  get isSealed(): boolean {
    return this.active === null;
  }

  async isInitialized(): Promise<boolean> {
    return (await this.physical.get(KEYRING_PATH)) !== null;
  }

  /** Creates the first keyring, encrypted by rootKey, and leaves the barrier unsealed. */
  async initialize(rootKey: Buffer): Promise<void> {
    if (await this.isInitialized()) throw new Error('barrier is already initialized');
    const first: KeyTerm = { term: 1, key: randomBytes(32), installTime: new Date(this.now()).toISOString() };
    this.load(rootKey, [first], 1);
    await this.persistKeyring();
  }

  /** Opens the keyring with rootKey; an authenticated decrypt proves the key is right. */
  async unseal(rootKey: Buffer): Promise<void> {
    const sealedRing = await this.physical.get(KEYRING_PATH);
    if (!sealedRing) throw new Error('barrier is not initialized');
    let plain: Buffer;
    try {
      plain = open(rootKey, sealedRing, KEYRING_PATH);
    } catch {
      throw new Error('the unseal keys do not open the keyring (wrong or mismatched key shares)');
    }
    const stored = JSON.parse(plain.toString('utf8')) as StoredKeyring;
    const terms = stored.keys.map((k) => ({ term: k.term, key: Buffer.from(k.key, 'base64'), installTime: k.installTime }));
    this.load(rootKey, terms, stored.activeTerm);
  }

  seal(): void {
    this.cache?.clear();
    for (const t of this.terms.values()) t.key.fill(0);
    this.rootKey?.fill(0);
    this.terms.clear();
    this.active = null;
    this.rootKey = null;
    this.encryptions = 0;
  }

  /** Adds a new key term and makes it active; older terms still decrypt what they wrote. */
  async rotate(): Promise<KeyStatus> {
    const active = this.requireActive();
    const next: KeyTerm = { term: active.term + 1, key: randomBytes(32), installTime: new Date(this.now()).toISOString() };
    this.terms.set(next.term, next);
    this.active = next;
    this.encryptions = 0;
    await this.persistKeyring();
    return this.keyStatus();
  }

  keyStatus(): KeyStatus {
    const active = this.requireActive();
    return { term: active.term, installTime: active.installTime, encryptions: this.encryptions };
  }

  async get(key: string): Promise<Buffer | null> {
    this.checkKey(key);
    this.requireActive();
    const cached = this.caching ? this.cache?.get(key) : undefined;
    if (cached?.hit) return cached.value === null ? null : Buffer.from(cached.value);
    const raw = await this.physical.get(key);
    let plain: Buffer | null = null;
    if (raw !== null) {
      const term = termOf(raw);
      // A term we don't know may come from a rotation on another node: read the keyring again once.
      if (!this.terms.has(term)) await this.reloadKeyring();
      const k = this.terms.get(term);
      if (!k) throw new Error(`no key for term ${term} of entry (corrupt storage?)`);
      plain = open(k.key, raw, key);
    }
    if (this.caching) this.cache?.set(key, plain === null ? null : Buffer.from(plain));
    return plain;
  }

  async put(key: string, value: Buffer): Promise<void> {
    this.checkKey(key);
    const active = this.requireActive();
    this.encryptions++;
    this.cache?.delete(key);
    await this.physical.put(key, seal(active.key, active.term, value, key));
    if (this.caching) this.cache?.set(key, Buffer.from(value));
  }

  async delete(key: string): Promise<void> {
    this.checkKey(key);
    this.requireActive();
    this.cache?.delete(key);
    await this.physical.delete(key);
    if (this.caching) this.cache?.set(key, null);
  }

  async list(prefix: string): Promise<string[]> {
    this.requireActive();
    const entries = await this.physical.list(prefix);
    return prefix === 'core/' ? entries.filter((e) => e !== 'keyring' && e !== 'seal-config') : entries;
  }

  private load(rootKey: Buffer, terms: KeyTerm[], activeTerm: number): void {
    this.seal();
    this.rootKey = Buffer.from(rootKey);
    for (const t of terms) this.terms.set(t.term, t);
    const active = this.terms.get(activeTerm);
    if (!active) throw new Error('keyring has no active term');
    this.active = active;
  }

  private async persistKeyring(): Promise<void> {
    if (!this.rootKey || !this.active) throw new SealedError();
    const stored: StoredKeyring = {
      activeTerm: this.active.term,
      keys: [...this.terms.values()].map((t) => ({ term: t.term, key: t.key.toString('base64'), installTime: t.installTime })),
    };
    await this.physical.put(KEYRING_PATH, seal(this.rootKey, 0, Buffer.from(JSON.stringify(stored)), KEYRING_PATH));
  }

  private requireActive(): KeyTerm {
    if (!this.active) throw new SealedError();
    return this.active;
  }

  private checkKey(key: string): void {
    if (key === KEYRING_PATH || key === SEAL_CONFIG_PATH) throw new Error(`${key} is reserved for the barrier`);
  }
}

// ACL policies by name, stored in the barrier under sys/policy/; the built-in `default` is created on
// first unseal and `root` is implicit. Compiled ACLs are cached per set of policy names.

import type { StorageView } from '../framework/types.js';
import { badRequest } from '../framework/errors.js';
import { getJson, putJson } from '../framework/json-storage.js';
import { compileAcl, parsePolicy, rootPolicy, responseWrappingPolicy, DEFAULT_POLICY_HCL, type Acl, type Policy } from '../policy/index.js';
import { WRAPPING_POLICY } from './wrapping.js';

interface StoredPolicy {
  name: string;
  raw: string;
}

export class PolicyStore {
  private parsed = new Map<string, Policy | null>();
  private acls = new Map<string, Acl>();

  constructor(private readonly storage: StorageView) {}

  async setup(): Promise<void> {
    this.parsed.clear();
    this.acls.clear();
    if (!(await getJson<StoredPolicy>(this.storage, 'default'))) await this.write('default', DEFAULT_POLICY_HCL);
  }

  /** Forgets every parsed policy and compiled ACL (another node changed a policy). */
  invalidate(): void {
    this.parsed.clear();
    this.acls.clear();
  }

  async list(): Promise<string[]> {
    const names = (await this.storage.list('')).filter((n) => !n.endsWith('/'));
    return [...new Set([...names, 'root'])].sort();
  }

  async read(name: string): Promise<StoredPolicy | null> {
    const n = name.toLowerCase();
    if (n === 'root') return { name: 'root', raw: '' };
    return getJson<StoredPolicy>(this.storage, n);
  }

  /** Parses and stores a policy; returns it so the caller can inspect its paths (for warnings). */
  async write(name: string, raw: string): Promise<Policy> {
    const n = name.toLowerCase();
    if (n === 'root') throw badRequest('cannot update "root" policy');
    if (n === '') throw badRequest('policy name must not be empty');
    let policy: Policy;
    try {
      policy = parsePolicy(n, raw);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    await putJson(this.storage, n, { name: n, raw });
    this.parsed.set(n, policy);
    this.acls.clear();
    return policy;
  }

  async delete(name: string): Promise<void> {
    const n = name.toLowerCase();
    if (n === 'root' || n === 'default') throw badRequest(`cannot delete "${n}" policy`);
    await this.storage.delete(n);
    this.parsed.delete(n);
    this.acls.clear();
  }

  async get(name: string): Promise<Policy | null> {
    const n = name.toLowerCase();
    if (this.parsed.has(n)) return this.parsed.get(n) ?? null;
    const stored = await getJson<StoredPolicy>(this.storage, n);
    const policy = stored ? parsePolicy(n, stored.raw) : null;
    this.parsed.set(n, policy);
    return policy;
  }

  /** The policies behind a token's policy names; unknown names are skipped, as in Vault. */
  async resolve(names: string[]): Promise<Policy[]> {
    const policies: Policy[] = [];
    for (const n of names) {
      if (n === 'root') policies.push(rootPolicy());
      else if (n === WRAPPING_POLICY) policies.push(responseWrappingPolicy());
      else {
        const p = await this.get(n);
        if (p) policies.push(p);
      }
    }
    return policies;
  }

  /** The compiled ACL for a token's policies, cached until any policy changes. */
  async acl(names: string[]): Promise<Acl> {
    const key = names.join('\u0000');
    const cached = this.acls.get(key);
    if (cached) return cached;
    const acl = compileAcl(await this.resolve(names));
    this.acls.set(key, acl);
    return acl;
  }
}

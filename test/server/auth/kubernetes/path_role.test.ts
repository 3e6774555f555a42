// auth/<mount>/role/<name> against path_role.go: required bindings, "*" and glob rules, the
// namespace selector, alias_name_source, token_* fields and their deprecated aliases, Vault's read
// shape and warnings, update-in-place, list and delete.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScriptedKube, kubeHarness } from './helpers.js';

const base = { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace' };

describe('kubernetes roles', () => {
  it('creates, reads in Vault\'s shape, lists and deletes', async () => {
    const h = await kubeHarness(new ScriptedKube());
    const w = await h.request('update', 'role/My-Role', { ...base, policies: 'a,b', ttl: '1h' });
    assert.equal(w.status, 200);
    assert.equal(w.operation, 'create');
    assert.deepEqual(w.response!.warnings, ['This role does not specify an audience. In a future version of Vault, specifying an audience will be required.']);
    const r = await h.request('read', 'role/my-role');
    assert.equal(r.status, 200);
    assert.deepEqual(r.response!.data, {
      bound_service_account_names: ['my-sa'],
      bound_service_account_namespaces: ['app-namespace'],
      bound_service_account_namespace_selector: '',
      token_ttl: 3600,
      ttl: 3600,
      token_max_ttl: 0,
      token_policies: ['a', 'b'],
      policies: ['a', 'b'],
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_type: 'default',
      alias_name_source: 'serviceaccount_uid',
    });
    const withAud = await h.request('update', 'role/aud', { ...base, audience: 'vault', alias_name_source: 'serviceaccount_name' });
    assert.equal(withAud.status, 204);
    const ra = (await h.request('read', 'role/aud')).response!.data!;
    assert.equal(ra.audience, 'vault');
    assert.equal(ra.alias_name_source, 'serviceaccount_name');
    assert.deepEqual((await h.request('list', 'role/')).response!.data, { keys: ['aud', 'my-role'] });
    assert.equal((await h.request('delete', 'role/aud')).status, 204);
    assert.equal((await h.request('read', 'role/aud')).status, 404);
  });

  it('updates only the fields given', async () => {
    const h = await kubeHarness(new ScriptedKube());
    await h.request('update', 'role/r', { ...base, token_policies: 'p1', audience: 'vault' });
    const u = await h.request('update', 'role/r', { bound_service_account_names: ['a', 'b-*'] });
    assert.equal(u.operation, 'update');
    const d = (await h.request('read', 'role/r')).response!.data!;
    assert.deepEqual(d.bound_service_account_names, ['a', 'b-*']);
    assert.deepEqual(d.bound_service_account_namespaces, ['app-namespace']);
    assert.deepEqual(d.token_policies, ['p1']);
    assert.equal(d.audience, 'vault');
  });

  it('accepts a namespace selector in YAML or JSON instead of namespaces', async () => {
    const h = await kubeHarness(new ScriptedKube());
    const yaml = 'matchLabels:\n  team: payments\nmatchExpressions:\n  - key: stage\n    operator: In\n    values: [prod, staging]\n';
    assert.equal((await h.request('update', 'role/y', { bound_service_account_names: '*', bound_service_account_namespace_selector: yaml, audience: 'a' })).status, 204);
    assert.equal((await h.request('read', 'role/y')).response!.data!.bound_service_account_namespace_selector, yaml.trim());
    const json = '{"matchLabels":{"team":"payments"}}';
    assert.equal((await h.request('update', 'role/j', { bound_service_account_names: '*', bound_service_account_namespace_selector: json, audience: 'a' })).status, 204);
  });

  it('refuses bad values with 400s naming the field', async () => {
    const h = await kubeHarness(new ScriptedKube());
    const bad = async (data: Record<string, unknown>, re: RegExp): Promise<void> => {
      const r = await h.request('update', 'role/bad', data);
      assert.equal(r.status, 400, JSON.stringify(data));
      assert.match(r.error!, re);
    };
    await bad({ bound_service_account_namespaces: 'ns' }, /"bound_service_account_names" can not be empty/);
    await bad({ ...base, bound_service_account_names: ['*', 'x'] }, /can not mix "\*" with values in "bound_service_account_names"/);
    await bad({ ...base, bound_service_account_namespaces: 'a,*' }, /can not mix "\*" with values in "bound_service_account_namespaces"/);
    await bad({ ...base, bound_service_account_names: 'a*b' }, /invalid "bound_service_account_names" entry "a\*b": "\*" is only allowed at the start or end/);
    await bad({ bound_service_account_names: 'x' }, /"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set/);
    await bad({ bound_service_account_names: 'x', bound_service_account_namespace_selector: 'matchlabels:\n  a: b' }, /invalid "bound_service_account_namespace_selector": unknown key\(s\) "matchlabels"/);
    await bad(
      { bound_service_account_names: 'x', bound_service_account_namespace_selector: '{"matchExpressions":[{"key":"a","operator":"in","values":["b"]}]}' },
      /invalid "bound_service_account_namespace_selector": matchExpressions\[0\]: operator "in" is not one of In, NotIn, Exists, DoesNotExist/,
    );
    await bad({ bound_service_account_names: 'x', bound_service_account_namespace_selector: 'matchLabels: [' }, /invalid "bound_service_account_namespace_selector"/);
    await bad({ ...base, alias_name_source: 'uid' }, /invalid "alias_name_source" "uid": must be one of serviceaccount_uid, serviceaccount_name/);
    await bad({ ...base, token_ttl: '2h', token_max_ttl: '1h' }, /"token_ttl" cannot be greater than "token_max_ttl"/);
    await bad({ ...base, ttl: '1h', token_ttl: '1h' }, /"ttl" and "token_ttl" cannot both be given/);
    await bad({ ...base, token_period: '9999h' }, /"token_period" of .* is greater than the mount's maximum lease TTL/);
    await bad({ ...base, token_bound_cidrs: 'nonsense' }, /invalid "token_bound_cidrs"/);
    await bad({ ...base, token_ttl: 'soon' }, /field "token_ttl"/);
    assert.equal((await h.request('read', 'role/bad')).status, 404);
  });

  it('maps deprecated fields onto token_* and warns when max_ttl exceeds the mount', async () => {
    const h = await kubeHarness(new ScriptedKube(), {}, { defaultLeaseTtl: 7200 });
    const w = await h.request('update', 'role/old', { ...base, audience: 'a', ttl: 60, max_ttl: '3h', period: '', num_uses: 3, bound_cidrs: '10.0.0.0/8' });
    assert.equal(w.status, 200);
    assert.match(w.response!.warnings![0]!, /max_ttl is greater than the system or backend mount's maximum TTL/);
    const d = (await h.request('read', 'role/old')).response!.data!;
    assert.equal(d.token_ttl, 60);
    assert.equal(d.token_max_ttl, 10800);
    assert.equal(d.token_num_uses, 3);
    assert.deepEqual(d.token_bound_cidrs, ['10.0.0.0/8']);
    assert.deepEqual(d.bound_cidrs, ['10.0.0.0/8']);
  });

  it('reads the legacy keys back beside token_* while they are set, as path_role.go does', async () => {
    const h = await kubeHarness(new ScriptedKube());
    const legacy = { ttl: '1h', max_ttl: '2h', period: '30m', num_uses: 5, bound_cidrs: '10.0.0.0/8', policies: 'p1' };
    assert.equal((await h.request('update', 'role/legacy', { ...base, audience: 'a', ...legacy })).status, 204);
    const read = async (): Promise<Record<string, unknown>> => (await h.request('read', 'role/legacy')).response!.data!;
    let d = await read();
    assert.deepEqual(
      [d.ttl, d.max_ttl, d.period, d.num_uses, d.bound_cidrs, d.policies],
      [3600, 7200, 1800, 5, ['10.0.0.0/8'], ['p1']],
    );
    assert.deepEqual([d.token_ttl, d.token_max_ttl, d.token_period, d.token_num_uses, d.token_bound_cidrs, d.token_policies], [3600, 7200, 1800, 5, ['10.0.0.0/8'], ['p1']]);
    // Writing the token_* name clears the legacy copy (tokenutil.UpgradeValue); the others stay.
    await h.request('update', 'role/legacy', { token_ttl: '20m', token_policies: 'p2' });
    d = await read();
    assert.equal(d.token_ttl, 1200);
    assert.ok(!('ttl' in d) && !('policies' in d), JSON.stringify(d));
    assert.equal(d.max_ttl, 7200, 'an update that names neither keeps the legacy key');
    // A legacy value of zero is not shown (Vault checks > 0).
    await h.request('update', 'role/legacy', { num_uses: 0 });
    d = await read();
    assert.equal(d.token_num_uses, 0);
    assert.ok(!('num_uses' in d));
    // A role written with token_* names only has no legacy keys.
    await h.request('update', 'role/modern', { ...base, audience: 'a', token_ttl: '1h', token_policies: 'p1', token_bound_cidrs: '10.0.0.0/8' });
    const m = (await h.request('read', 'role/modern')).response!.data!;
    for (const k of ['ttl', 'max_ttl', 'period', 'num_uses', 'bound_cidrs', 'policies']) assert.ok(!(k in m), `${k} in ${JSON.stringify(m)}`);
  });

  it('lists nothing as 404, as Vault', async () => {
    const h = await kubeHarness(new ScriptedKube());
    assert.equal((await h.request('list', 'role/')).status, 404);
  });
});

// Compatibility with a client none of us wrote, in another language: hvac 0.11 (Debian's
// python3-hvac), the Python Vault client, drives a real dev server through test/compat/hvac_client.py
// (sys, KV v1 and v2, policies, tokens and accessors, response wrapping, Kubernetes auth against the
// fake kube-apiserver, seal/unseal). The script prints one JSON object; every field is asserted here.
// hvac 0.11 is picky in ways other clients are not: it parses {"errors":[...]} only when Content-Type
// is exactly application/json, sends LIST for lists, sends X-Vault-Token to sys/seal-status and
// sys/unseal, and sends JSON nulls for unset arguments (create_token, enable_secrets_engine).
//
// Needs `/usr/bin/python3 -c 'import hvac'` to work (apt-get install python3-hvac; .ci/run installs it);
// without it the tests skip with that hint.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';

import { join, resolve } from 'node:path';
import { startDevServer, type DevServer } from '../support/server.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { tempDir } from '../support/tmp.js';
import { makeTestPki } from '../support/tls.js';

const PYTHON = '/usr/bin/python3'; // Debian's interpreter: the one python3-hvac installs for
const SCRIPT = resolve(import.meta.dirname, '../../../test/compat/hvac_client.py'); // the source, not dist/
const ROOT = 'hvac-root';

const probe = spawnSync(PYTHON, ['-c', 'import hvac'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `hvac is not importable by ${PYTHON} (${(probe.stderr || String(probe.error ?? '')).trim().split('\n').pop()}); install it with: apt-get install python3-hvac`;

/** An error the script expected and recorded: hvac's exception class, its `errors` list and message. */
interface Recorded {
  class: string | null;
  errors: string[] | null;
  message: string | null;
  result?: unknown;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the script's JSON is read field by field
type Section = Record<string, any>;

let srv: DevServer | undefined;
let kube: FakeKube | undefined;
let out: Section;

function runScript(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(PYTHON, [SCRIPT, srv!.addr, ROOT], { env, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      res({ code, stdout, stderr });
    });
  });
}

/** Asserts a recorded error: the hvac exception class and (when given) the server's `errors`. */
function expectError(r: Recorded, cls: string, errors?: string[] | RegExp): void {
  assert.equal(r.class, cls, `expected hvac.exceptions.${cls}, got ${JSON.stringify(r)}`);
  if (Array.isArray(errors)) assert.deepEqual(r.errors, errors);
  else if (errors) assert.match(r.message ?? '', errors);
}

before(async () => {
  if (skip) return;
  process.env.COFFER_K8S_SA_DIR = join(tempDir('coffer-no-sa-'), 'absent'); // not "in a pod"
  kube = await startFakeKube();
  srv = await startDevServer(ROOT);
  kube.createNamespace('app-namespace');
  kube.createServiceAccount('app-namespace', 'my-sa');
  kube.createServiceAccount('app-namespace', 'intruder');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');

  const env: NodeJS.ProcessEnv = { ...process.env, HOME: tempDir('coffer-hvac-home-') }; // no ~/.vault-token
  for (const k of Object.keys(env)) if (k.startsWith('VAULT_')) delete env[k];
  Object.assign(env, {
    PYTHONDONTWRITEBYTECODE: '1',
    COFFER_UNSEAL_KEY: srv.unsealKey,
    KUBE_HOST: kube.url,
    KUBE_CA_CERT: kube.caPem,
    KUBE_REVIEWER_JWT: kube.legacyToken('default', 'vault-auth'),
    KUBE_APP_JWT: kube.projectedToken('app-namespace', 'my-sa'),
    KUBE_INTRUDER_JWT: kube.projectedToken('app-namespace', 'intruder'),
    KUBE_OTHER_CA: makeTestPki(tempDir('coffer-hvac-other-ca-')).ca,
  });
  const r = await runScript(env);
  if (r.code !== 0) assert.fail(`hvac_client.py exited with ${r.code}:\n${r.stderr}\n--- stdout:\n${r.stdout}\n--- server:\n${srv.output()}`);
  out = JSON.parse(r.stdout);
});

after(async () => {
  await srv?.stop();
  await kube?.close();
});

test('hvac 0.11 is the client under test', { skip }, () => {
  assert.match(out.hvac_version, /^0\.11\./);
});

test('sys: init/seal/health status, secrets engines (kv v1 and kv-v2), auth methods', { skip }, () => {
  const s = out.sys!;
  assert.equal(s.is_initialized, true);
  assert.deepEqual(s.read_init_status, { initialized: true });
  assert.equal(s.seal_status.sealed, false);
  assert.equal(s.seal_status.type, 'shamir');
  assert.deepEqual(s.read_seal_status, { type: 'shamir', initialized: true, sealed: false, t: 1, n: 1, progress: 0 });
  assert.equal(s.is_sealed, false);
  assert.equal(s.health_head, 200);
  assert.deepEqual(s.health_get, { initialized: true, sealed: false, standby: false });

  // enable_secrets_engine sends "config": null, "plugin_name": null, ... next to the real fields.
  assert.equal(s.enable_kv1, 204);
  assert.equal(s.enable_kv2, 204);
  expectError(s.enable_kv2_again, 'InvalidRequest', ['path is already in use at hvac-kv2/']);
  assert.deepEqual(s.mounts, {
    'hvac-kv1/': { type: 'kv', description: 'hvac kv v1', options: { version: '1' } },
    'hvac-kv2/': { type: 'kv', description: 'hvac kv v2', options: { version: '2' } }, // "kv-v2" is kv with version 2
    'secret/': { type: 'kv', description: 'key/value secret storage', options: { version: '2' } },
  });
  assert.deepEqual(s.mounts_top_level_too, ['hvac-kv1/', 'hvac-kv2/'], 'sys/mounts repeats the table at the top level, as Vault does');
  assert.equal(s.retrieve_mount_option_version, '2');
  assert.equal(s.enable_scratch, 204);
  assert.equal(s.scratch_type, 'kv');
  assert.equal(s.disable_scratch, 204);
  assert.equal(s.scratch_after_disable, false);
  assert.equal(s.tune_kv2, 204);
  assert.deepEqual(s.read_mount_configuration, { default_lease_ttl: 3600, max_lease_ttl: 7200 });

  assert.deepEqual(s.auth_methods_before, ['token/']);
  assert.equal(s.enable_auth_method, 204);
  expectError(s.enable_auth_method_again, 'InvalidRequest', ['path is already in use at auth/kube-policy/']);
  assert.deepEqual(s.auth_methods_after, ['kube-policy/', 'token/']);
  assert.deepEqual(s.kube_auth_method, { type: 'kubernetes', description: 'hvac kubernetes' });
});

test('KV v2: write (with cas), read latest and by version, patch, LIST, metadata, delete/undelete/destroy', { skip }, () => {
  const k = out.kv2!;
  assert.equal(k.configure, 204);
  assert.deepEqual(k.read_configuration, { max_versions: 20, cas_required: false, delete_version_after: '0s' });
  assert.deepEqual(k.write_1, { version: 1, destroyed: false, deletion_time: '' });
  assert.equal(k.write_cas_1, 2);
  expectError(k.write_cas_stale, 'InvalidRequest', ['check-and-set parameter did not match the current version']);
  expectError(k.write_cas_0_existing, 'InvalidRequest', ['check-and-set parameter did not match the current version']);
  assert.equal(k.write_cas_0_new, 1);
  assert.deepEqual(k.read_latest, { data: { user: 'alice', password: 'n3w' }, version: 2 });
  assert.deepEqual(k.read_version_1, { data: { user: 'alice', password: 's3cret' }, version: 1 });
  // hvac's patch is read + write with cas = the version read.
  assert.equal(k.patch, 3);
  assert.deepEqual(k.read_after_patch, { data: { user: 'alice', password: 'rotated', port: '5432' }, version: 3 });
  expectError(k.patch_missing, 'InvalidPath', /No value found at "app\/absent"; patch only works on existing data\./);

  assert.deepEqual(k.list_app, ['config', 'new']);
  assert.deepEqual(k.list_root, ['app/']);
  assert.deepEqual(k.list_wire, ['LIST /v1/hvac-kv2/metadata/app 200', 'LIST /v1/hvac-kv2/metadata 200'], 'hvac lists with the LIST method');
  expectError(k.list_missing, 'InvalidPath', []);
  // client.list: GET ?list=True, a spelling Go's strconv.ParseBool accepts.
  assert.deepEqual(k.generic_list, ['config', 'new']);
  assert.deepEqual(k.generic_list_slash, ['config', 'new']);
  assert.equal(k.generic_list_missing, null);
  assert.deepEqual(k.generic_list_wire, [
    'GET /v1/hvac-kv2/metadata/app?list=True 200',
    'GET /v1/hvac-kv2/metadata/app?list=True 200', // hvac drops the trailing slash itself
    'GET /v1/hvac-kv2/metadata/nothing-here?list=True 404',
  ]);

  assert.deepEqual(k.metadata, {
    current_version: 3,
    oldest_version: 0,
    max_versions: 0,
    cas_required: false,
    custom_metadata: null,
    delete_version_after: '0s',
    versions: ['1', '2', '3'],
  });
  assert.equal(k.update_metadata, 204);
  assert.equal(k.custom_metadata_write, 204);
  assert.deepEqual(k.metadata_updated, { max_versions: 5, cas_required: false, custom_metadata: { owner: 'platform', tier: '1' }, current_version: 3 });

  // A deleted or destroyed version is a 404 whose body is the usual response (data null, metadata
  // set), not {"errors":[...]}: hvac raises InvalidPath with that body as the message.
  assert.equal(k.delete_latest, 204);
  expectError(k.read_deleted_latest, 'InvalidPath');
  assert.equal(k.read_deleted_latest.errors, null);
  const deleted = JSON.parse(k.read_deleted_latest.message).data;
  assert.equal(deleted.data, null);
  assert.equal(deleted.metadata.version, 3);
  assert.notEqual(deleted.metadata.deletion_time, '');
  assert.equal(k.deleted_version_3_has_deletion_time, true);
  assert.equal(k.undelete, 204);
  assert.deepEqual(k.read_after_undelete, { data: { user: 'alice', password: 'rotated', port: '5432' }, version: 3, deletion_time: '' });
  assert.equal(k.delete_version_2, 204);
  expectError(k.read_deleted_version_2, 'InvalidPath');
  assert.equal(JSON.parse(k.read_deleted_version_2.message).data.metadata.version, 2);
  assert.equal(k.destroy_version_1, 204);
  expectError(k.read_destroyed_version_1, 'InvalidPath');
  assert.equal(JSON.parse(k.read_destroyed_version_1.message).data.metadata.destroyed, true);
  assert.deepEqual(k.versions_after, {
    '1': { destroyed: true, deleted: false },
    '2': { destroyed: false, deleted: true },
    '3': { destroyed: false, deleted: false },
  });

  assert.equal(k.delete_metadata_and_all_versions, 204);
  expectError(k.read_after_delete_all, 'InvalidPath', []);
  expectError(k.metadata_after_delete_all, 'InvalidPath', []);
  assert.deepEqual(k.list_app_after_delete_all, ['new']);
  expectError(k.read_missing, 'InvalidPath', []); // Vault: 404 {"errors":[]}
});

test('KV v1: create (POST after a 404), update (PUT), read, LIST, delete', { skip }, () => {
  const v = out.kv1!;
  assert.equal(v.create, 204);
  assert.deepEqual(v.create_wire, ['GET /v1/hvac-kv1/team/db 404', 'POST /v1/hvac-kv1/team/db 204']);
  assert.equal(v.update, 204);
  assert.deepEqual(v.update_wire, ['GET /v1/hvac-kv1/team/db 200', 'PUT /v1/hvac-kv1/team/db 204']);
  assert.deepEqual(v.read, { data: { url: 'postgres://db:5432/app', pool: '10' }, lease_duration: 2764800 });
  assert.deepEqual(v.list, ['cache', 'db']);
  assert.equal(v.list_wire, 'LIST /v1/hvac-kv1/team 200');
  assert.deepEqual(v.generic_list, ['cache', 'db']);
  assert.deepEqual(v.generic_list_wire, ['GET /v1/hvac-kv1/team?list=True 200']);
  assert.equal(v.delete, 204);
  expectError(v.read_deleted, 'InvalidPath', []);
  assert.deepEqual(v.list_after_delete, ['cache']);
  assert.equal(v.generic_read_missing, null);
});

test('policies: create (HCL and a dict), read, get_policy, list, delete', { skip }, () => {
  const p = out.policies!;
  const hcl = 'path "hvac-kv2/data/app/*" {\n  capabilities = ["read"]\n}\n';
  assert.equal(p.create, 204);
  assert.deepEqual(p.read, { name: 'hvac-app', rules: hcl, top_level_rules: hcl });
  assert.equal(p.get_policy_legacy, hcl);
  assert.equal(p.create_temp, 204);
  assert.equal(p.temp_rules_is_json, true);
  assert.deepEqual(p.list, ['default', 'hvac-app', 'hvac-temp', 'root']);
  assert.equal(p.delete, 204);
  // Vault answers a missing policy with 404 (hvac's get_policy turns that into None).
  expectError(p.read_deleted, 'InvalidPath', []);
  assert.equal(p.get_policy_deleted, null);
  assert.deepEqual(p.list_after_delete, ['default', 'hvac-app', 'root']);
});

test('tokens: create, lookup, renew, use from a second client (allowed and forbidden), revoke', { skip }, () => {
  const t = out.tokens!;
  assert.deepEqual(t.create, {
    policies: ['default', 'hvac-app'],
    token_policies: ['default', 'hvac-app'],
    metadata: { app: 'hvac' },
    lease_duration: 3600,
    renewable: true,
    orphan: false,
    token_type: 'service',
  });
  assert.equal(t.create_token_is_hvs, true);
  assert.deepEqual(t.lookup, {
    display_name: 'token-hvac-compat',
    meta: { app: 'hvac' },
    policies: ['default', 'hvac-app'],
    creation_ttl: 3600,
    path: 'auth/token/create',
    renewable: true,
    type: 'service',
    num_uses: 0,
    orphan: false,
  });
  assert.equal(t.lookup_id_matches, true);
  assert.ok(t.lookup_ttl > 3500 && t.lookup_ttl <= 3600, `ttl ${t.lookup_ttl}`);
  assert.equal(t.lookup_legacy_same_accessor, true);
  // The deprecated client.create_token sends "id": null, "meta": null, "num_uses": null, ...
  assert.deepEqual(t.create_token_legacy, { policies: ['default', 'hvac-app'], lease_duration: 1800, renewable: true });
  assert.equal(t.renew, 7200);
  assert.equal(t.renew_legacy, 5400);

  assert.equal(t.user_is_authenticated, true);
  assert.deepEqual(t.user_lookup_self, { policies: ['default', 'hvac-app'], display_name: 'token-hvac-compat', id_matches: true });
  assert.equal(t.user_renew_self, 3600);
  assert.deepEqual(t.user_read_allowed, { user: 'alice', password: 's3cret' });
  expectError(t.user_read_forbidden, 'Forbidden', ['permission denied']);
  expectError(t.user_write_forbidden, 'Forbidden', ['permission denied']);
  expectError(t.user_list_forbidden, 'Forbidden', ['permission denied']);
  expectError(t.user_sys_forbidden, 'Forbidden', ['permission denied']);

  assert.equal(t.revoke, 204);
  expectError(t.user_lookup_self_after_revoke, 'Forbidden', /^permission denied/); // Vault: 403 for a bad token
  assert.equal(t.user_is_authenticated_after_revoke, false);
  expectError(t.lookup_after_revoke, 'Forbidden', ['bad token']); // Vault's auth/token/lookup: 403 "bad token"
  assert.equal(t.revoke_again, 204, 'revoking a token that is gone is a no-op, as in Vault');
  expectError(t.bogus_token_lookup_self, 'Forbidden', /^permission denied/);
  expectError(t.no_token_read, 'Forbidden', /^permission denied/);
  assert.equal(t.revoke_self, 204);
  expectError(t.after_revoke_self, 'Forbidden', /^permission denied/);
  assert.deepEqual(t.create_orphan_legacy, { orphan: true, policies: ['default', 'hvac-app'] });
});

test('token accessors: lookup, renew, list, revoke', { skip }, () => {
  const a = out.accessors!;
  assert.equal(a.lookup_accessor.id, '', 'a lookup by accessor never shows the token');
  assert.match(a.lookup_accessor.accessor, /^[A-Za-z0-9]{24}$/);
  assert.deepEqual({ ...a.lookup_accessor, accessor: '' }, { accessor: '', id: '', display_name: 'token-by-accessor', policies: ['default', 'hvac-app'], creation_ttl: 3600 });
  assert.equal(a.lookup_accessor_legacy, true);
  assert.equal(a.renew_accessor, 5400);
  assert.equal(a.list_accessors_has_it, true);
  assert.equal(a.revoke_accessor, 204);
  expectError(a.lookup_accessor_after_revoke, 'InvalidRequest', ['invalid accessor']);
  expectError(a.token_after_revoke_accessor, 'Forbidden', /^permission denied/);
  expectError(a.revoke_token_legacy_accessor, 'Forbidden', /^permission denied/);
});

test('response wrapping: a wrapped token create, a wrapped read, sys/wrapping/wrap, unwrap once', { skip }, () => {
  const w = out.wrapping!;
  assert.deepEqual(w.token_create_wrapped, { auth: null, ttl: 60, creation_path: 'auth/token/create', has_wrapped_accessor: true });
  assert.deepEqual(w.unwrap, { policies: ['default', 'hvac-app'], lease_duration: 3600 });
  assert.deepEqual(w.unwrapped_token_works, ['default', 'hvac-app']);
  expectError(w.unwrap_twice, 'InvalidRequest', ['wrapping token is not valid or does not exist']);
  assert.deepEqual(w.read_wrapped, { response_data: null, ttl: 120, creation_path: 'hvac-kv2/data/app/config' });
  assert.deepEqual(w.unwrap_as_wrapping_token, { user: 'alice', password: 's3cret' });
  assert.deepEqual(w.wrap_arbitrary, { ttl: 60, creation_path: 'sys/wrapping/wrap' });
  assert.deepEqual(w.unwrap_arbitrary, { payload: 'hello', n: '1' });
});

test('Kubernetes auth at kube-policy: configure, roles, login with mount_point; the default mount fails clearly', { skip }, () => {
  const kb = out.kubernetes!;
  assert.equal(kb.skipped, undefined);
  assert.equal(kb.configure, 204);
  assert.deepEqual(kb.read_config, { kubernetes_host: kube!.url, ca_matches: true, token_reviewer_jwt_returned: false });
  // hvac 0.11's create_role cannot set an audience, so (like Vault 1.15+) the write answers 200 with a warning.
  assert.deepEqual(kb.create_role.warnings, ['This role does not specify an audience. In a future version of Vault, specifying an audience will be required.']);
  assert.deepEqual(kb.read_role, { bound_service_account_names: ['my-sa'], bound_service_account_namespaces: ['app-namespace'], token_policies: ['myapp-policy'], token_ttl: 3600 });
  assert.deepEqual(kb.list_roles, ['my-role', 'tmp-role']);
  assert.equal(kb.delete_role, 204);
  assert.deepEqual(kb.list_roles_after_delete, ['my-role']);

  assert.deepEqual(kb.login.policies, ['default', 'myapp-policy']);
  assert.deepEqual(kb.login.token_policies, ['default', 'myapp-policy']);
  assert.equal(kb.login.metadata.service_account_name, 'my-sa');
  assert.equal(kb.login.metadata.service_account_namespace, 'app-namespace');
  assert.equal(kb.login.metadata.role, 'my-role');
  assert.equal(kb.login.lease_duration, 3600);
  assert.equal(kb.login.renewable, true);
  assert.equal(kb.login_adopted_token, true, 'hvac adopts the login token (use_token=True)');
  assert.equal(kb.login_is_authenticated, true);
  assert.deepEqual(kb.login_read, { username: 'app', password: 'pw' });
  expectError(kb.login_read_forbidden, 'Forbidden', ['permission denied']);
  assert.equal(kb.legacy_login_with_mount_point.metadata.service_account_name, 'my-sa');
  assert.equal(kb.legacy_login_with_mount_point.adopted, true);

  // The tutorial's client.auth_kubernetes("my-role", jwt) posts to auth/kubernetes/login: a 404 that
  // says no auth method is enabled there. A caller without a token hears no mount names (an outsider
  // may not list auth methods); one whose token may read sys/auth gets them, so the fix
  // (mount_point="kube-policy") is obvious to the operator.
  for (const r of [kb.tutorial_default_mount, kb.login_default_mount, kb.login_default_mount_as_admin]) {
    expectError(r, 'InvalidPath', /auth\/kubernetes\/login/);
    assert.match(r.message, /No auth method is enabled at "auth\/kubernetes\/"/);
  }
  for (const r of [kb.tutorial_default_mount, kb.login_default_mount]) assert.doesNotMatch(r.message, /kube-policy/);
  assert.match(kb.login_default_mount_as_admin.message, /enabled auth paths: .*auth\/kube-policy/);
  expectError(kb.login_intruder, 'Forbidden', /service account name not authorized: "intruder"/);
  expectError(kb.login_unknown_role, 'InvalidRequest', ['invalid role name "no-such-role"']);
  expectError(kb.login_garbage_jwt, 'Forbidden', /^permission denied: the JWT is malformed/);
  // create_role(ttl="1h", policies=[...]) used the deprecated names: they are read back, as in Vault.
  assert.deepEqual(kb.read_role_legacy, { ttl: 3600, policies: ['myapp-policy'], max_ttl: null, period: null });
  // The Kubernetes API cannot be used (a CA that did not sign it): Forbidden, as Vault, with the reason.
  expectError(kb.login_wrong_ca, 'Forbidden', /^permission denied: the JWT could not be checked with the Kubernetes TokenReview API: TLS certificate verification failed .*set kubernetes_ca_cert in auth\/kube-wrong-ca\/config/);
});

test('legacy role fields written through hvac read back: userpass (ttl, policies) and AppRole (period, policies)', { skip }, () => {
  const lg = out.legacy!;
  assert.equal(lg.userpass_create, 204);
  assert.deepEqual(lg.userpass_read, { ttl: 600, token_ttl: 600, policies: ['hvac-app', 'default'], token_policies: ['hvac-app', 'default'], max_ttl: null });
  assert.equal(lg.approle_create, 204);
  assert.deepEqual(lg.approle_read, { period: 30, token_period: 30, policies: ['hvac-app'], token_policies: ['hvac-app'] });
});

test('seal and unseal through hvac (which sends X-Vault-Token to sys/seal-status and sys/unseal)', { skip }, () => {
  const se = out.seal!;
  assert.equal(se.skipped, undefined);
  assert.equal(se.seal, 204);
  assert.equal(se.is_sealed, true);
  assert.equal(se.seal_status_sealed, true);
  assert.equal(se.health_get_sealed, 503);
  expectError(se.read_while_sealed, 'VaultDown', ['Vault is sealed']);
  assert.deepEqual(se.unseal, { sealed: false, progress: 0, t: 1, n: 1 });
  assert.equal(se.is_sealed_after_unseal, false);
  assert.deepEqual(se.read_after_unseal, { user: 'alice', password: 's3cret' });
});

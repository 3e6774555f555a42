// KV version 2 against Vault's kv-v2 API docs and vault-plugin-secrets-kv behaviour: config, data
// (read/write/patch/delete), delete/undelete/destroy, metadata (read/write/patch/delete/list),
// subkeys, cas, max_versions, delete_version_after, custom_metadata limits, storage layout, input errors.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kvBackendFactory } from '../../../src/server/engines/kv/index.js';
import { formatTime } from '../../../src/server/engines/kv/lib/time.js';
import { createHarness, DEFAULT_START, type Harness } from '../../support/backend-harness.js';

const T0 = '2024-01-02T03:04:05.678Z';
const HOUR = 3600_000;

const v2 = (): Promise<Harness> => createHarness(kvBackendFactory, { options: { version: '2' } });

async function put(h: Harness, path: string, data: Record<string, unknown>, options?: Record<string, unknown>) {
  const r = await h.request('update', `data/${path}`, options ? { data, options } : { data });
  assert.equal(r.status, 200, r.error);
  return r;
}

function versionMeta(version: number, created: string, extra: Record<string, unknown> = {}) {
  return { created_time: created, custom_metadata: null, deletion_time: '', destroyed: false, version, ...extra };
}

describe('kv v2: time format', () => {
  it('prints RFC3339Nano like Go, dropping trailing zeros', () => {
    assert.equal(formatTime(DEFAULT_START), T0);
    assert.equal(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5, 700)), '2024-01-02T03:04:05.7Z');
    assert.equal(formatTime(Date.UTC(2024, 0, 2, 3, 4, 5, 0)), '2024-01-02T03:04:05Z');
  });
});

describe('kv v2: config', () => {
  it('reads defaults and round-trips the documented sample', async () => {
    const h = await v2();
    assert.deepEqual((await h.request('read', 'config')).response, {
      data: { cas_required: false, delete_version_after: '0s', max_versions: 0 },
    });
    const w = await h.request('update', 'config', { max_versions: 5, cas_required: false, delete_version_after: '3h25m19s' });
    assert.equal(w.status, 204);
    assert.deepEqual((await h.request('read', 'config')).response?.data, {
      cas_required: false,
      delete_version_after: '3h25m19s',
      max_versions: 5,
    });
  });

  it('keeps unspecified settings, disables delete_version_after with a negative value and clears it with 0', async () => {
    const h = await v2();
    await h.request('update', 'config', { max_versions: 3, delete_version_after: 60 });
    await h.request('update', 'config', { cas_required: true });
    assert.deepEqual((await h.request('read', 'config')).response?.data, { cas_required: true, delete_version_after: '1m0s', max_versions: 3 });
    await h.request('update', 'config', { delete_version_after: '-5s' });
    assert.equal((await h.request('read', 'config')).response?.data?.delete_version_after, '-1s');
    await h.request('update', 'config', { delete_version_after: '0s' });
    assert.equal((await h.request('read', 'config')).response?.data?.delete_version_after, '0s');
  });

  it('rejects wrong types naming the field', async () => {
    const h = await v2();
    for (const [field, value] of [
      ['max_versions', 'lots'],
      ['cas_required', 'maybe'],
      ['delete_version_after', 'forever'],
    ] as const) {
      const r = await h.request('update', 'config', { [field]: value });
      assert.equal(r.status, 400);
      assert.match(r.error!, new RegExp(`field "${field}"`));
    }
    assert.equal((await h.request('update', 'config', { max_versions: -1 })).status, 400);
  });
});

describe('kv v2: data', () => {
  it('writes and reads with every documented key', async () => {
    const h = await v2();
    const w = await h.request('update', 'data/my-secret', { options: { cas: 0 }, data: { foo: 'bar', zip: 'zap' } });
    assert.equal(w.operation, 'create');
    assert.equal(w.status, 200);
    assert.deepEqual(w.response, { data: versionMeta(1, T0) });
    assert.deepEqual(Object.keys(w.response!.data!), ['created_time', 'custom_metadata', 'deletion_time', 'destroyed', 'version']);

    const r = await h.request('read', 'data/my-secret');
    assert.equal(r.status, 200);
    assert.deepEqual(r.response, { data: { data: { foo: 'bar', zip: 'zap' }, metadata: versionMeta(1, T0) } });

    h.clock.advance(22);
    const w2 = await h.request('update', 'data/my-secret', { data: { foo: 'baz' } });
    assert.equal(w2.operation, 'update');
    assert.deepEqual(w2.response?.data, versionMeta(2, '2024-01-02T03:04:05.7Z'));
    assert.deepEqual((await h.request('read', 'data/my-secret')).response?.data?.data, { foo: 'baz' });
  });

  it('reads an older version with ?version= (number or string) and 404s on unknown versions', async () => {
    const h = await v2();
    await put(h, 's', { v: 1 });
    h.clock.advance(1000);
    await put(h, 's', { v: 2 });
    const r1 = await h.request('read', 'data/s', { version: '1' });
    assert.deepEqual(r1.response?.data, { data: { v: 1 }, metadata: versionMeta(1, T0) });
    assert.deepEqual((await h.request('read', 'data/s', { version: 2 })).response?.data?.data, { v: 2 });
    assert.deepEqual((await h.request('read', 'data/s', { version: 0 })).response?.data?.data, { v: 2 }, '0 means latest');
    const missing = await h.request('read', 'data/s', { version: 7 });
    assert.equal(missing.status, 404);
    assert.equal(missing.response, null);
    const bad = await h.request('read', 'data/s', { version: 'two' });
    assert.equal(bad.status, 400);
    assert.match(bad.error!, /field "version"/);
  });

  it('answers a never-written key with a plain 404', async () => {
    const h = await v2();
    const r = await h.request('read', 'data/nope');
    assert.equal(r.status, 404);
    assert.equal(r.response, null);
  });

  it('requires data and validates types, naming the field', async () => {
    const h = await v2();
    const none = await h.request('update', 'data/x', { foo: 'bar' });
    assert.equal(none.status, 400);
    assert.equal(none.error, 'no data provided');
    const nul = await h.request('update', 'data/x', { data: null });
    assert.equal(nul.error, 'no data provided');
    const notMap = await h.request('update', 'data/x', { data: 'plain' });
    assert.equal(notMap.status, 400);
    assert.match(notMap.error!, /field "data"/);
    const badOptions = await h.request('update', 'data/x', { data: {}, options: 5 });
    assert.equal(badOptions.status, 400);
    assert.match(badOptions.error!, /field "options"/);
    // data given as a JSON string is accepted, like Vault's TypeMap
    assert.equal((await h.request('update', 'data/x', { data: '{"a":"b"}' })).status, 200);
    assert.deepEqual((await h.request('read', 'data/x')).response?.data?.data, { a: 'b' });
  });

  it('warns about unrecognised top-level fields', async () => {
    const h = await v2();
    const r = await h.request('update', 'data/x', { data: { a: 1 }, extra: 1 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.response?.warnings, ['Endpoint ignored these unrecognized parameters: [extra]']);
  });
});

describe('kv v2: check-and-set', () => {
  it('accepts a matching cas and refuses a stale one', async () => {
    const h = await v2();
    assert.equal((await h.request('update', 'data/c', { data: { a: 1 }, options: { cas: 0 } })).status, 200);
    const again = await h.request('update', 'data/c', { data: { a: 2 }, options: { cas: 0 } });
    assert.equal(again.status, 400);
    assert.equal(again.error, 'check-and-set parameter did not match the current version');
    assert.equal((await h.request('update', 'data/c', { data: { a: 2 }, options: { cas: 1 } })).response?.data?.version, 2);
    assert.equal((await h.request('update', 'data/c', { data: { a: 3 }, options: { cas: '2' } })).response?.data?.version, 3);
    const junk = await h.request('update', 'data/c', { data: { a: 3 }, options: { cas: 'x' } });
    assert.equal(junk.status, 400);
    assert.equal(junk.error, 'error parsing check-and-set parameter');
    assert.deepEqual((await h.request('read', 'data/c')).response?.data?.data, { a: 3 });
  });

  it('requires cas when the mount sets cas_required', async () => {
    const h = await v2();
    await h.request('update', 'config', { cas_required: true });
    const r = await h.request('update', 'data/c', { data: { a: 1 } });
    assert.equal(r.status, 400);
    assert.equal(r.error, 'check-and-set parameter required for this call');
    assert.equal((await h.request('update', 'data/c', { data: { a: 1 }, options: { cas: 0 } })).status, 200);
    const patch = await h.request('patch', 'data/c', { data: { b: 1 } });
    assert.equal(patch.error, 'check-and-set parameter required for this call');
    // A key cannot opt out of a mount-wide requirement; Vault warns.
    const meta = await h.request('update', 'metadata/c', { cas_required: false });
    assert.equal(meta.status, 200);
    assert.deepEqual(meta.response, {
      data: null,
      warnings: ['"cas_required" set to false, but is mandated by backend config. This value will be ignored.'],
    });
    assert.equal((await h.request('update', 'data/c', { data: { a: 2 } })).status, 400);
  });

  it('requires cas when the key sets cas_required', async () => {
    const h = await v2();
    await put(h, 'k', { a: 1 });
    await h.request('update', 'metadata/k', { cas_required: true });
    assert.equal((await h.request('update', 'data/k', { data: { a: 2 } })).error, 'check-and-set parameter required for this call');
    assert.equal((await h.request('update', 'data/k', { data: { a: 2 }, options: { cas: 1 } })).status, 200);
    await put(h, 'other', { a: 1 });
    await put(h, 'other', { a: 2 });
  });
});

describe('kv v2: max_versions', () => {
  it('prunes the oldest versions past a key limit and moves oldest_version', async () => {
    const h = await v2();
    await put(h, 'p', { v: 1 });
    await h.request('update', 'metadata/p', { max_versions: 2 });
    let meta = (await h.request('read', 'metadata/p')).response!.data!;
    assert.equal(meta.oldest_version, 0);
    await put(h, 'p', { v: 2 });
    meta = (await h.request('read', 'metadata/p')).response!.data!;
    assert.equal(meta.oldest_version, 1, 'Vault moves oldest_version once the window is full');
    assert.deepEqual(Object.keys(meta.versions as object), ['1', '2']);
    await put(h, 'p', { v: 3 });
    meta = (await h.request('read', 'metadata/p')).response!.data!;
    assert.equal(meta.current_version, 3);
    assert.equal(meta.oldest_version, 2);
    assert.deepEqual(Object.keys(meta.versions as object), ['2', '3']);
    const gone = await h.request('read', 'data/p', { version: 1 });
    assert.equal(gone.status, 404);
    assert.equal(gone.response, null);
    assert.deepEqual((await h.request('read', 'data/p', { version: 2 })).response?.data?.data, { v: 2 });
    const versionKeys = [...h.storage.entries.keys()].filter((k) => k.startsWith('versions/'));
    assert.equal(versionKeys.length, 2, 'pruned version data is removed from storage');
  });

  it('uses the mount limit, and 10 by default', async () => {
    const h = await v2();
    for (let i = 1; i <= 11; i++) await put(h, 'd', { i });
    let meta = (await h.request('read', 'metadata/d')).response!.data!;
    assert.equal(meta.oldest_version, 2);
    assert.equal(Object.keys(meta.versions as object).length, 10);

    await h.request('update', 'config', { max_versions: 3 });
    await put(h, 'd', { i: 12 });
    meta = (await h.request('read', 'metadata/d')).response!.data!;
    assert.deepEqual(Object.keys(meta.versions as object), ['10', '11', '12']);
    assert.equal(meta.oldest_version, 10);
    assert.equal([...h.storage.entries.keys()].filter((k) => k.startsWith('versions/')).length, 3);
  });
});

describe('kv v2: delete, undelete, destroy', () => {
  it('soft-deletes the latest version; reads report 404 with data null and the metadata', async () => {
    const h = await v2();
    await put(h, 'x', { a: 1 });
    h.clock.advance(HOUR);
    await put(h, 'x', { a: 2 });
    h.clock.advance(HOUR);
    const deletedAt = formatTime(h.clock.now());
    assert.equal((await h.request('delete', 'data/x')).status, 204);
    const r = await h.request('read', 'data/x');
    assert.equal(r.status, 404);
    assert.deepEqual(r.response?.data, {
      data: null,
      metadata: versionMeta(2, formatTime(DEFAULT_START + HOUR), { deletion_time: deletedAt }),
    });
    assert.deepEqual((await h.request('read', 'data/x', { version: 1 })).response?.data?.data, { a: 1 });

    // A second delete keeps the first deletion time.
    h.clock.advance(HOUR);
    await h.request('delete', 'data/x');
    const meta = (await h.request('read', 'metadata/x')).response!.data!;
    assert.deepEqual((meta.versions as Record<string, unknown>)['2'], {
      created_time: formatTime(DEFAULT_START + HOUR),
      deletion_time: deletedAt,
      destroyed: false,
    });
    assert.equal((await h.request('delete', 'data/never')).status, 204);
  });

  it('deletes and undeletes listed versions', async () => {
    const h = await v2();
    await put(h, 'x', { a: 1 });
    await put(h, 'x', { a: 2 });
    await put(h, 'x', { a: 3 });
    assert.equal((await h.request('update', 'delete/x', { versions: [1, 2] })).status, 204);
    assert.equal((await h.request('read', 'data/x', { version: 1 })).status, 404);
    assert.equal((await h.request('read', 'data/x', { version: 2 })).status, 404);
    assert.equal((await h.request('read', 'data/x')).status, 200);
    assert.equal((await h.request('update', 'undelete/x', { versions: '1,2,99' })).status, 204);
    const r = await h.request('read', 'data/x', { version: 1 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.response?.data, { data: { a: 1 }, metadata: versionMeta(1, T0) });
    assert.equal((await h.request('update', 'undelete/missing', { versions: [1] })).status, 204);
  });

  it('destroys version data permanently; destroyed versions stay destroyed', async () => {
    const h = await v2();
    await put(h, 'x', { a: 1 });
    await put(h, 'x', { a: 2 });
    const before = [...h.storage.entries.keys()].filter((k) => k.startsWith('versions/')).length;
    assert.equal((await h.request('update', 'destroy/x', { versions: [2] })).status, 204);
    assert.equal([...h.storage.entries.keys()].filter((k) => k.startsWith('versions/')).length, before - 1);
    const r = await h.request('read', 'data/x');
    assert.equal(r.status, 404);
    assert.deepEqual(r.response?.data, { data: null, metadata: versionMeta(2, T0, { destroyed: true }) });
    await h.request('update', 'undelete/x', { versions: [2] });
    assert.equal((await h.request('read', 'data/x')).status, 404, 'undelete cannot bring back destroyed data');
    await h.request('delete', 'data/x');
    const meta = (await h.request('read', 'metadata/x')).response!.data!;
    assert.deepEqual((meta.versions as Record<string, unknown>)['2'], { created_time: T0, deletion_time: '', destroyed: true });
    assert.equal((await h.request('read', 'data/x', { version: 1 })).status, 200);
  });

  it('requires a version list', async () => {
    const h = await v2();
    await put(h, 'x', { a: 1 });
    assert.equal((await h.request('update', 'delete/x', {})).error, 'No version number provided');
    assert.equal((await h.request('update', 'undelete/x', { versions: [] })).error, 'No version number provided');
    assert.equal((await h.request('update', 'destroy/x', {})).error, 'no version number provided');
    const bad = await h.request('update', 'destroy/x', { versions: ['one'] });
    assert.equal(bad.status, 400);
    assert.match(bad.error!, /field "versions"/);
  });
});

describe('kv v2: delete_version_after', () => {
  it('schedules deletion at write time; reads turn 404 once the clock passes it', async () => {
    const h = await v2();
    await h.request('update', 'config', { delete_version_after: '1h' });
    const w = await put(h, 't', { a: 1 });
    assert.equal(w.response?.data?.deletion_time, formatTime(DEFAULT_START + HOUR));
    h.clock.advance(HOUR - 1);
    assert.equal((await h.request('read', 'data/t')).status, 200, 'readable until the deletion time');
    h.clock.advance(1);
    const r = await h.request('read', 'data/t');
    assert.equal(r.status, 404);
    assert.deepEqual(r.response?.data, {
      data: null,
      metadata: versionMeta(1, T0, { deletion_time: formatTime(DEFAULT_START + HOUR) }),
    });
    // Undelete re-applies delete_version_after from now.
    await h.request('update', 'undelete/t', { versions: [1] });
    const undeleted = await h.request('read', 'data/t');
    assert.equal(undeleted.status, 200);
    assert.equal((undeleted.response?.data?.metadata as Record<string, unknown>).deletion_time, formatTime(h.clock.now() + HOUR));
  });

  it('uses the smaller of the mount and key settings, and none when the mount disables it', async () => {
    const h = await v2();
    await h.request('update', 'config', { delete_version_after: '1h' });
    await h.request('update', 'metadata/short', { delete_version_after: '10m' });
    await h.request('update', 'metadata/long', { delete_version_after: '48h' });
    assert.equal((await put(h, 'short', { a: 1 })).response?.data?.deletion_time, formatTime(DEFAULT_START + 600_000));
    assert.equal((await put(h, 'long', { a: 1 })).response?.data?.deletion_time, formatTime(DEFAULT_START + HOUR));
    assert.equal((await h.request('read', 'metadata/short')).response?.data?.delete_version_after, '10m0s');

    await h.request('update', 'config', { delete_version_after: -1 });
    assert.equal((await put(h, 'short', { a: 2 })).response?.data?.deletion_time, '');
    const neg = await h.request('update', 'metadata/short', { delete_version_after: '-1s' });
    assert.equal(neg.status, 400);
    assert.match(neg.error!, /field "delete_version_after"/);
  });
});

describe('kv v2: metadata', () => {
  it('reads the documented shape', async () => {
    const h = await v2();
    await h.request('update', 'metadata/m', {
      max_versions: 5,
      cas_required: false,
      delete_version_after: '3h25m19s',
      custom_metadata: { foo: 'abc', bar: '123', baz: '5c07d823-3810-48f6-a147-4c06b5219e84' },
    });
    h.clock.advance(1000);
    await put(h, 'm', { a: 1 });
    h.clock.advance(1000);
    await put(h, 'm', { a: 2 });
    const r = await h.request('read', 'metadata/m');
    assert.equal(r.status, 200);
    const t1 = formatTime(DEFAULT_START + 1000);
    const t2 = formatTime(DEFAULT_START + 2000);
    const del = (t: number) => formatTime(t + (3 * 3600 + 25 * 60 + 19) * 1000);
    assert.deepEqual(r.response, {
      data: {
        cas_required: false,
        created_time: T0,
        current_version: 2,
        custom_metadata: { foo: 'abc', bar: '123', baz: '5c07d823-3810-48f6-a147-4c06b5219e84' },
        delete_version_after: '3h25m19s',
        max_versions: 5,
        oldest_version: 0,
        updated_time: t2,
        versions: {
          '1': { created_time: t1, deletion_time: del(DEFAULT_START + 1000), destroyed: false },
          '2': { created_time: t2, deletion_time: del(DEFAULT_START + 2000), destroyed: false },
        },
      },
    });
    // custom_metadata is part of every version response
    const data = await h.request('read', 'data/m');
    assert.deepEqual((data.response?.data?.metadata as Record<string, unknown>).custom_metadata, {
      foo: 'abc',
      bar: '123',
      baz: '5c07d823-3810-48f6-a147-4c06b5219e84',
    });
  });

  it('creates metadata without a version; data reads of it are a plain 404', async () => {
    const h = await v2();
    const w = await h.request('update', 'metadata/empty', { max_versions: 3 });
    assert.equal(w.status, 204);
    assert.equal(w.operation, 'create');
    assert.deepEqual((await h.request('read', 'metadata/empty')).response?.data, {
      cas_required: false,
      created_time: T0,
      current_version: 0,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 3,
      oldest_version: 0,
      updated_time: T0,
      versions: {},
    });
    const r = await h.request('read', 'data/empty');
    assert.equal(r.status, 404);
    assert.equal(r.response, null);
    assert.equal((await h.request('update', 'metadata/empty', { cas_required: true })).operation, 'update');
    // A write with nothing to set does nothing, as in Vault.
    assert.equal((await h.request('update', 'metadata/nothing', {})).status, 204);
    assert.equal((await h.request('read', 'metadata/nothing')).status, 404);
    assert.equal((await h.request('read', 'metadata/never')).status, 404);
    assert.equal((await h.request('update', 'metadata/', { max_versions: 1 })).error, 'missing path');
  });

  it('enforces custom_metadata limits (64 keys, key <= 128 bytes, value <= 512 bytes)', async () => {
    const h = await v2();
    const keys64 = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
    assert.equal((await h.request('update', 'metadata/cm', { custom_metadata: keys64 })).status, 204);
    const keys65 = { ...keys64, k64: 'v' };
    const tooMany = await h.request('update', 'metadata/cm', { custom_metadata: keys65 });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.error, '1 error occurred:\n\t* custom_metadata validation failed: payload must contain at most 64 keys, provided 65\n\n');

    const edge = { ['k'.repeat(128)]: 'v'.repeat(512) };
    assert.equal((await h.request('update', 'metadata/cm', { custom_metadata: edge })).status, 204);
    const long = await h.request('update', 'metadata/cm', { custom_metadata: { ['k'.repeat(129)]: 'v'.repeat(513) } });
    assert.equal(long.status, 400);
    assert.equal(
      long.error,
      `2 errors occurred:\n\t* custom_metadata validation failed: length of key "${'k'.repeat(129)}" is 129 but must be 0 < len(key) <= 128\n` +
        `\t* custom_metadata validation failed: length of value for key "${'k'.repeat(129)}" is 513 but must be 0 < len(value) <= 512\n\n`,
    );
    const empty = await h.request('update', 'metadata/cm', { custom_metadata: { a: '' } });
    assert.match(empty.error!, /length of value for key "a" is 0/);
    const control = await h.request('update', 'metadata/cm', { custom_metadata: { a: 'line\nbreak' } });
    assert.match(control.error!, /value for key "a" contains unprintable characters/);
    const notMap = await h.request('update', 'metadata/cm', { custom_metadata: 'a=b' });
    assert.equal(notMap.status, 400);
    assert.match(notMap.error!, /field "custom_metadata"/);
    // Values are weakly converted to strings, as Vault does.
    await h.request('update', 'metadata/cm', { custom_metadata: { n: 5, b: true } });
    assert.deepEqual((await h.request('read', 'metadata/cm')).response?.data?.custom_metadata, { n: '5', b: '1' });
    // An empty map reads back as null.
    await h.request('update', 'metadata/cm', { custom_metadata: {} });
    assert.equal((await h.request('read', 'metadata/cm')).response?.data?.custom_metadata, null);
  });

  it('patches metadata: only the given settings, custom_metadata merged with null removing a key', async () => {
    const h = await v2();
    const missing = await h.request('patch', 'metadata/pm', { max_versions: 2 });
    assert.equal(missing.status, 404);
    await h.request('update', 'metadata/pm', { max_versions: 4, cas_required: true, custom_metadata: { a: '1', b: '2' } });
    assert.equal((await h.request('patch', 'metadata/pm', { max_versions: 5, custom_metadata: { a: null, c: '3' } })).status, 204);
    const d = (await h.request('read', 'metadata/pm')).response!.data!;
    assert.equal(d.max_versions, 5);
    assert.equal(d.cas_required, true);
    assert.deepEqual(d.custom_metadata, { b: '2', c: '3' });
    await h.request('patch', 'metadata/pm', { custom_metadata: null });
    assert.equal((await h.request('read', 'metadata/pm')).response?.data?.custom_metadata, null);
    const tooLong = await h.request('patch', 'metadata/pm', { custom_metadata: { x: 'v'.repeat(513) } });
    assert.equal(tooLong.status, 400);
  });

  it('deletes metadata and every version, leaving nothing of the secret in storage', async () => {
    const h = await v2();
    await put(h, 'keep', { a: 1 });
    const baseline = new Set(h.storage.entries.keys());
    await put(h, 'doomed', { a: 1 });
    await put(h, 'doomed', { a: 2 });
    assert.equal((await h.request('delete', 'metadata/doomed')).status, 204);
    assert.deepEqual(new Set(h.storage.entries.keys()), baseline);
    assert.equal((await h.request('read', 'data/doomed')).status, 404);
    assert.equal((await h.request('read', 'metadata/doomed')).status, 404);
    assert.deepEqual((await h.request('list', 'metadata/')).response?.data, { keys: ['keep'] });
    assert.equal((await h.request('delete', 'metadata/doomed')).status, 204);
  });
});

describe('kv v2: list', () => {
  it('lists an empty mount as 404', async () => {
    const h = await v2();
    const r = await h.request('list', 'metadata/');
    assert.equal(r.status, 404);
    assert.equal((await h.request('list', 'metadata')).status, 404);
  });

  it('lists keys and folders and forgets empty folders', async () => {
    const h = await v2();
    await put(h, 'foo', { a: 1 });
    await put(h, 'foo/bar', { a: 1 });
    await put(h, 'a/b', { a: 1 });
    await put(h, 'a/c/d', { a: 1 });
    await h.request('update', 'metadata/a/e', { max_versions: 1 });
    assert.deepEqual((await h.request('list', 'metadata/')).response?.data, { keys: ['a/', 'foo', 'foo/'] });
    assert.deepEqual((await h.request('list', 'metadata')).response?.data, { keys: ['a/', 'foo', 'foo/'] });
    assert.deepEqual((await h.request('list', 'metadata/a/')).response?.data, { keys: ['b', 'c/', 'e'] });
    assert.deepEqual((await h.request('list', 'metadata/a')).response?.data, { keys: ['b', 'c/', 'e'] });
    assert.deepEqual((await h.request('list', 'metadata/a/c/')).response?.data, { keys: ['d'] });

    await h.request('delete', 'metadata/a/c/d');
    assert.equal((await h.request('list', 'metadata/a/c/')).status, 404);
    assert.deepEqual((await h.request('list', 'metadata/a/')).response?.data, { keys: ['b', 'e'] });
    await h.request('delete', 'metadata/a/b');
    await h.request('delete', 'metadata/a/e');
    await h.request('delete', 'metadata/foo');
    assert.deepEqual((await h.request('list', 'metadata/')).response?.data, { keys: ['foo/'] });
    // Soft-deleting or destroying versions keeps the key listed.
    await h.request('delete', 'data/foo/bar');
    assert.deepEqual((await h.request('list', 'metadata/foo/')).response?.data, { keys: ['bar'] });
  });

  it('keeps the index right under concurrent creates and writes', async () => {
    const h = await v2();
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.request('update', `data/dir/k${i}`, { data: { i } })));
    const keys = (await h.request('list', 'metadata/dir/')).response?.data?.keys as string[];
    assert.equal(keys.length, 20);
    const results = await Promise.all(Array.from({ length: 15 }, () => h.request('update', 'data/same', { data: { x: 1 } })));
    assert.deepEqual(results.map((r) => r.response?.data?.version).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 15 }, (_, i) => i + 1));
  });
});

describe('kv v2: patch', () => {
  it('applies a JSON merge patch to the current version as a new version', async () => {
    const h = await v2();
    await put(h, 'p', { foo: 'x', bar: { qux: 'q' }, gone: '1', list: [1, 2] });
    h.clock.advance(1000);
    const r = await h.request('patch', 'data/p', { options: { cas: 1 }, data: { foo: 'a', bar: { baz: 'b' }, gone: null, list: [3] } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.response?.data, versionMeta(2, formatTime(DEFAULT_START + 1000)));
    assert.deepEqual((await h.request('read', 'data/p')).response?.data?.data, { bar: { baz: 'b', qux: 'q' }, foo: 'a', list: [3] });
    assert.deepEqual((await h.request('read', 'data/p', { version: 1 })).response?.data?.data, { bar: { qux: 'q' }, foo: 'x', gone: '1', list: [1, 2] });
    const stale = await h.request('patch', 'data/p', { options: { cas: 1 }, data: { foo: 'b' } });
    assert.equal(stale.error, 'check-and-set parameter did not match the current version');
    assert.equal((await h.request('patch', 'data/p', { foo: 'b' })).error, 'no data provided');
  });

  it('refuses a missing, deleted or destroyed secret with 404', async () => {
    const h = await v2();
    const missing = await h.request('patch', 'data/none', { data: { a: 1 } });
    assert.equal(missing.status, 404);
    assert.equal(missing.response, null);

    await put(h, 'd', { a: 1 });
    h.clock.advance(5);
    await h.request('delete', 'data/d');
    const deleted = await h.request('patch', 'data/d', { data: { a: 2 } });
    assert.equal(deleted.status, 404);
    assert.deepEqual(deleted.response?.data, versionMeta(1, T0, { deletion_time: formatTime(DEFAULT_START + 5) }));

    await put(h, 'x', { a: 1 });
    await h.request('update', 'destroy/x', { versions: [1] });
    const destroyed = await h.request('patch', 'data/x', { data: { a: 2 } });
    assert.equal(destroyed.status, 404);
    assert.equal(destroyed.response?.data?.destroyed, true);
    assert.equal((await h.request('read', 'metadata/x')).response?.data?.current_version, 1, 'no version was added');
  });
});

describe('kv v2: subkeys', () => {
  it('returns the documented structure with values removed', async () => {
    const h = await v2();
    await put(h, 's', { foo: 'abc', bar: { baz: 'def', deep: { er: 1 } }, quux: {} });
    const r = await h.request('read', 'subkeys/s', { version: 1 });
    assert.equal(r.status, 200);
    assert.deepEqual(r.response?.data, {
      metadata: versionMeta(1, T0),
      subkeys: { bar: { baz: null, deep: { er: null } }, foo: null, quux: null },
    });
    assert.deepEqual((await h.request('read', 'subkeys/s', { depth: 1 })).response?.data?.subkeys, { bar: null, foo: null, quux: null });
    assert.deepEqual((await h.request('read', 'subkeys/s', { depth: 2 })).response?.data?.subkeys, {
      bar: { baz: null, deep: null },
      foo: null,
      quux: null,
    });
    await h.request('delete', 'data/s');
    h.clock.advance(1);
    const del = await h.request('read', 'subkeys/s');
    assert.equal(del.status, 404);
    assert.equal(del.response?.data?.subkeys, null);
    assert.equal((await h.request('read', 'subkeys/none')).status, 404);
  });
});

describe('kv v2: paths outside the API', () => {
  it('answers v1-style and root paths with 404 and Vault hint', async () => {
    const h = await v2();
    const get = await h.request('read', 'my-secret');
    assert.equal(get.status, 404);
    assert.deepEqual(get.response, {
      status: 404,
      data: null,
      warnings: [
        "Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation.",
      ],
    });
    assert.match((await h.request('update', 'my-secret', { a: 1 })).response!.warnings![0]!, /'vault kv put'/);
    assert.match((await h.request('read', 'data/trailing/')).response!.warnings![0]!, /Invalid path/);
    const root = ['Non-listing operations on the root of a K/V v2 mount are not supported.'];
    assert.deepEqual((await h.request('read', 'data')).response?.warnings, root);
    assert.deepEqual((await h.request('read', 'metadata')).response?.warnings, root);
    assert.equal((await h.request('delete', 'metadata')).status, 404);
    assert.equal((await h.request('list', 'data/foo')).status, 405);
  });
});

describe('kv v2: storage', () => {
  it('keeps secret names and data out of storage key names', async () => {
    const h = await v2();
    await put(h, 'top-secret/database', { password: 'hunter2' });
    await h.request('update', 'metadata/top-secret/database', { custom_metadata: { owner: 'ops' } });
    for (const key of h.storage.entries.keys()) {
      assert.doesNotMatch(key, /top-secret|database|hunter2/);
      assert.match(key, /^(salt|config|metadata\/[0-9a-f]{64}|versions\/[0-9a-f]{64}|index\/[0-9a-f]{64})$/);
    }
  });

  it('reads with exactly two storage gets once warm', async () => {
    const h = await v2();
    await put(h, 'hot', { a: 1 });
    await h.request('read', 'data/hot');
    const original = h.storage.get;
    let gets = 0;
    h.storage.get = async (k) => {
      gets++;
      return original(k);
    };
    const r = await h.request('read', 'data/hot');
    assert.equal(r.status, 200);
    assert.equal(gets, 2);
  });

  it('survives a new backend instance over the same storage', async () => {
    const h = await v2();
    await h.request('update', 'config', { max_versions: 2 });
    await put(h, 'a/b', { v: 1 });
    const again = await createHarness(kvBackendFactory, { options: { version: '2' }, storage: h.storage, clock: h.clock });
    assert.deepEqual((await again.request('read', 'data/a/b')).response?.data?.data, { v: 1 });
    assert.deepEqual((await again.request('list', 'metadata/a')).response?.data, { keys: ['b'] });
    assert.equal((await again.request('read', 'config')).response?.data?.max_versions, 2);
  });
});

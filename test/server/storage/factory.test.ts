// createStorage: Vault's stanza names and keys map to backends; unknown types and keys are errors.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStorage, SUPPORTED_STORAGE_TYPES } from '../../../src/server/storage/factory.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-factory-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('createStorage', () => {
  it('opens inmem and memory', async () => {
    for (const type of ['inmem', 'memory']) {
      const s = await createStorage(type, {});
      await s.put('a', Buffer.from('1'));
      assert.equal((await s.get('a'))?.toString(), '1');
      await s.close();
    }
  });

  it('opens sqlite at the configured path', async () => {
    const file = path.join(tmp, 'data', 'coffer.db');
    const s = await createStorage('sqlite', { path: file });
    await s.put('a', Buffer.from('1'));
    await s.close();
    assert.ok(fs.existsSync(file));
  });

  it('lists the supported types for an unknown one', async () => {
    assert.deepEqual(SUPPORTED_STORAGE_TYPES, ['inmem', 'memory', 'postgresql', 'sqlite']);
    await assert.rejects(
      createStorage('raft', {}),
      /unsupported storage type "raft"; supported: inmem, memory, postgresql, sqlite/,
    );
    await assert.rejects(createStorage('toString', {}), /unsupported storage type/);
  });

  it('names an unknown config key', async () => {
    await assert.rejects(createStorage('inmem', { path: '/x' }), /storage "inmem": unknown setting "path"/);
    await assert.rejects(
      createStorage('sqlite', { path: path.join(tmp, 'x.db'), paht: 'typo' }),
      /storage "sqlite": unknown setting "paht"; known settings: path/,
    );
    await assert.rejects(
      createStorage('sqlite', { path: path.join(tmp, 'x.db'), ha_enabled: 'true' }),
      /unknown setting "ha_enabled"; high availability is supported on storage "postgresql" only/,
    );
  });

  it('requires the settings a backend cannot work without, and checks numbers', async () => {
    await assert.rejects(createStorage('sqlite', {}), /storage "sqlite": missing required setting path/);
    await assert.rejects(createStorage('postgresql', {}), /missing required setting connection_url/);
    for (const bad of ['abc', '0', '-1', '1.5']) {
      await assert.rejects(
        createStorage('postgresql', { connection_url: 'postgres://u@h/db', max_parallel: bad }),
        /max_parallel must be a positive whole number/,
      );
    }
  });
});

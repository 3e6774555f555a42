// The server as the image and the manifests run it: user 65532 (no passwd entry), a read-only root
// file system, and one writable volume at its data path. A private mount namespace (`unshare -m`,
// root needed) remounts / read-only and puts a tmpfs on the data directory; the server runs on the
// printed ConfigMap's server.hcl (data path and listener moved), initializes, unseals, mounts KV,
// keeps a secret and an audit log on the volume, and shuts down cleanly. Any write elsewhere
// (a temp file, ~/.something) would fail it with EROFS.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_AS } from '../../src/k8s/manifests/common.js';
import { api } from '../support/http.js';
import { COFFER_BIN, freePort, initAndUnseal, tempDir } from '../support/server.js';
import { find, printManifests } from '../k8s/manifests/print.js';

const canIsolate = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0 && spawnSync('setpriv', ['--help']).status === 0;
const dir = tempDir('coffer-ro-root-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('read-only root file system', () => {
  it('the server runs as 65532 on a read-only root, writing only to its data volume', { skip: canIsolate ? false : 'needs root, unshare and setpriv for a private read-only mount namespace' }, async () => {
    const printed = await printManifests([]);
    const hcl: string = find(printed.objects, 'ConfigMap').data['server.hcl'];
    const data = join(dir, 'data');
    mkdirSync(data);
    chmodSync(dir, 0o755);
    // writable by anyone, were the root file system not read-only
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const port = await freePort();
    const configPath = join(dir, 'server.hcl');
    writeFileSync(configPath, hcl.replace('/coffer/data', data).replace('0.0.0.0:8200', `127.0.0.1:${port}`), { mode: 0o644 });
    const script = [
      'mount -o remount,bind,ro /',
      `mount -t tmpfs -o mode=0700,uid=${RUN_AS},gid=${RUN_AS},size=64m tmpfs "$1"`,
      // the pod's env: HOME on a writable volume; nothing else
      `exec setpriv --reuid=${RUN_AS} --regid=${RUN_AS} --clear-groups env -i HOME="$1" "$2" "$3" server -config="$4"`,
    ].join(' && ');
    const proc = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', data, process.execPath, COFFER_BIN, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    try {
      const addr = `http://127.0.0.1:${port}`;
      for (;;) {
        assert.equal(proc.exitCode, null, `the server exited:\n${out}`);
        try {
          await api(addr, 'GET', 'sys/seal-status');
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const { rootToken } = await initAndUnseal(addr, 1, 1);
      const token = rootToken;
      assert.equal((await api(addr, 'PUT', 'sys/audit/file', { token, body: { type: 'file', options: { file_path: `${data}/audit.log` } } })).status, 204);
      assert.equal((await api(addr, 'POST', 'sys/mounts/secret', { token, body: { type: 'kv', options: { version: '2' } } })).status, 204);
      assert.equal((await api(addr, 'PUT', 'secret/data/app', { token, body: { data: { password: 'on the volume' } } })).status, 200);
      const read = await api(addr, 'GET', 'secret/data/app', { token });
      assert.equal(read.body.data.data.password, 'on the volume');
      // a world-writable directory off the volume: refused, so the root really is read-only for it
      const refused = await api(addr, 'PUT', 'sys/audit/elsewhere', { token, body: { type: 'file', options: { file_path: join(open, 'audit.log') } } });
      assert.equal(refused.status, 400, refused.text);
      assert.match(refused.text, /read-only file system|EROFS/i);
    } finally {
      proc.kill('SIGTERM');
    }
    assert.equal(await exited, 0, out);
    assert.doesNotMatch(out.replace(/.*sys\/audit\/elsewhere.*\n?/g, ''), /EROFS|read-only file system/i);
  });
});

// `coffer launcher install`'s pieces: the libraries read from /proc/self/maps (loader apart), the
// names the loader looks them up by, and a real install run by this node into a temporary folder.

import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { installLauncher, mappedLibraries, sonameOf } from '../../src/k8s/launcher/install.js';
import { tempDir } from '../support/tmp.js';

const MAPS = `55d0c0000000-55d0c0400000 r--p 00000000 08:01 1 /usr/bin/node
7f00a0000000-7f00a0200000 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30
7f00a0300000-7f00a0400000 r-xp 00000000 08:01 3 /usr/lib/x86_64-linux-gnu/libc.so.6
7f00a0500000-7f00a0600000 r--p 00000000 00:00 0 [heap]
7f00a0700000-7f00a0800000 r-xp 00000000 08:01 4 /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2
7f00a0900000-7f00a0a00000 r--s 00000000 08:01 5 /usr/share/icu/data.dat
`;

describe('coffer launcher install', () => {
  it('finds the loader and the shared libraries in /proc/self/maps, nothing else', () => {
    assert.deepEqual(mappedLibraries(MAPS), {
      loader: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      libraries: ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30', '/usr/lib/x86_64-linux-gnu/libc.so.6'],
    });
    assert.throws(() => mappedLibraries('7f00 r-xp 0 0 0 /usr/bin/node\n'), /cannot find the dynamic loader/);
  });
  it('names each library as the loader looks for it', () => {
    assert.equal(sonameOf('/x/libstdc++.so.6.0.30'), 'libstdc++.so.6');
    assert.equal(sonameOf('/x/libc.so.6'), 'libc.so.6');
    assert.equal(sonameOf('/x/libfoo.so'), 'libfoo.so');
  });
  it('installs node, the loader, the libraries and Coffer (no node_modules, no .d.ts)', () => {
    const dir = join(tempDir('coffer-launcher-'), 'l');
    const r = installLauncher(dir);
    assert.ok(statSync(join(dir, 'node')).mode & 0o111);
    assert.ok(statSync(join(dir, 'ld.so')).mode & 0o111);
    assert.ok(readdirSync(join(dir, 'lib')).includes('libc.so.6'));
    assert.ok(existsSync(join(dir, 'coffer', 'bin', 'coffer.js')));
    assert.ok(existsSync(join(dir, 'coffer', 'dist', 'src', 'agent', 'command.js')));
    assert.ok(!existsSync(join(dir, 'coffer', 'node_modules')));
    assert.ok(!existsSync(join(dir, 'coffer', 'dist', 'src', 'agent', 'command.d.ts')));
    assert.ok(!existsSync(join(dir, 'coffer', 'dist', 'test')));
    assert.equal(r.bytes >= statSync(join(dir, 'node')).size, true);
  });
});

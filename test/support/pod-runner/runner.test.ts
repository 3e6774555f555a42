// The pod runner's own checks: it refuses clearly where `unshare` cannot run, resolves mount
// targets inside the image (never through the host's /var/run -> /run), and expands $(VAR) as
// the kubelet does.

import { strict as assert } from 'node:assert';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkPodRunner, expand } from './index.js';
import { resolveInRoot } from './mounts.js';
import { tempDir } from '../tmp.js';

describe('pod runner', () => {
  it('fails at once, saying why, when unshare is missing', () => {
    assert.throws(() => checkPodRunner('/nonexistent/unshare'), /the pod runner needs `unshare -m` \(util-linux\) and root: .*ENOENT/);
  });
  it('resolves symlinks against the image root', () => {
    const root = tempDir('coffer-pod-img-');
    mkdirSync(join(root, 'run'));
    mkdirSync(join(root, 'var'));
    symlinkSync('/run', join(root, 'var', 'run'));
    symlinkSync('../run', join(root, 'var', 'rel'));
    assert.equal(resolveInRoot(root, '/var/run/secrets/kubernetes.io/serviceaccount'), '/run/secrets/kubernetes.io/serviceaccount');
    assert.equal(resolveInRoot(root, '/var/rel/x'), '/run/x');
    assert.equal(resolveInRoot(root, '/vault/../vault/secrets/'), '/vault/secrets');
  });
  it('expands $(VAR) like the kubelet', () => {
    const vars = new Map([['A', 'x'], ['B', 'y']]);
    assert.equal(expand('$(A)-$(B)-$(C)-$$(A)', vars), 'x-y-$(C)-$(A)');
  });
});

// Runs README.md's sh blocks in order, as a reader would paste them, so the README cannot drift from
// the code: one bash in a temporary HOME and working directory, this checkout's bin/coffer.js on PATH
// as `coffer`, the README's fixed ports (8200, 8201, 6443) swapped for free ones and `/tmp/` for a
// temporary folder. A block fails when a command fails or the server answers {"errors": [...]};
// the failure names the block's line in README.md. Markers: see blocks.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { COFFER_BIN, freePort } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { buildScript, END, parseReadme, START, type ReadmeBlock } from './blocks.js';

const REPO = resolve(dirname(COFFER_BIN), '..');
const README = join(REPO, 'README.md');

/** Every port the README's blocks use on loopback (127.0.0.1:NNNN) or give the fake kube-apiserver. */
function readmePorts(blocks: ReadmeBlock[]): string[] {
  const ports = new Set<string>();
  for (const b of blocks) {
    for (const m of b.code.matchAll(/127\.0\.0\.1:(\d{4,5})\b/g)) ports.add(m[1]!);
    for (const m of b.code.matchAll(/fake-kube -- (\d{4,5})\b/g)) ports.add(m[1]!);
  }
  return [...ports];
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((res, rej) => {
    // Its own process group, so the servers the background blocks start go with it at the end.
    const proc = spawn('bash', ['--noprofile', '--norc', '-c', script], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
    proc.on('error', rej);
    proc.on('exit', (code) => {
      try {
        process.kill(-proc.pid!, 'SIGTERM');
      } catch {
        /* the group is already gone */
      }
      // Give the background servers a moment to exit before the temp folder is removed.
      setTimeout(() => res({ code, out }), 300);
    });
  });
}

test('README.md markers parse; a block with an unknown marker is refused with its line', () => {
  const blocks = parseReadme('a\n<!-- readme-test: skip (needs a cluster) -->\n```sh\necho 1\n```\n```hcl\nx = 1\n```\n<!-- readme-test: background until "ready", paste exports -->\n```sh\nserve\n```\n');
  assert.deepEqual(blocks, [
    { line: 3, code: 'echo 1', skip: 'needs a cluster' },
    { line: 10, code: 'serve', background: { until: 'ready', pasteExports: true } },
  ]);
  assert.throws(() => parseReadme('<!-- readme-test: skipp -->\n```sh\nx\n```\n'), /README.md:1: unknown readme-test marker "skipp"/);
});

test("README.md's shell blocks run in order against the dev server the Quick start starts", async (t) => {
  const blocks = parseReadme(readFileSync(README, 'utf8'));
  const work = tempDir('coffer-readme-');
  const [home, cwd, bin, tmp] = ['home', 'cwd', 'bin', 'tmp'].map((d) => join(work, d));
  for (const d of [home, cwd, bin, tmp]) mkdirSync(d);
  symlinkSync(COFFER_BIN, join(bin, 'coffer'));
  const portMap = new Map<string, string>();
  for (const p of readmePorts(blocks)) portMap.set(p, String(await freePort()));
  const rewrite = (code: string): string => {
    let c = code.replaceAll('/tmp/', `${tmp}/`);
    for (const [from, to] of portMap) c = c.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
    return c;
  };
  const script = buildScript(blocks, rewrite, work, REPO);
  writeFileSync(join(work, 'readme.sh'), script); // kept for reading while the test runs

  const env: NodeJS.ProcessEnv = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: home, LANG: 'C.UTF-8', TMPDIR: tmp };
  const { code, out } = await runBash(script, cwd, env);

  const skipped = blocks.filter((b) => b.skip);
  t.diagnostic(`skipped ${skipped.length} of ${blocks.length} blocks: ${skipped.map((b) => `README.md:${b.line} (${b.skip})`).join('; ')}`);
  for (const b of blocks) {
    if (b.skip) continue;
    const from = out.indexOf(`${START}${b.line}\n`);
    const to = out.indexOf(`${END}${b.line}\n`);
    const section = from < 0 ? '' : out.slice(from, to < 0 ? undefined : to);
    const where = `README.md:${b.line}`;
    assert.ok(from >= 0, `${where}: the block never ran (exit ${code}); the whole output:\n${out}`);
    assert.ok(to >= 0, `${where}: the block failed (exit ${code}):\n${b.code}\n--- its output:\n${section}`);
    assert.doesNotMatch(section, /"errors":\s*\[/, `${where}: the server refused a request in this block:\n${b.code}\n--- its output:\n${section}`);
  }
  assert.equal(code, 0, out);
});

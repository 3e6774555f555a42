// The Containerfile, checked without a container engine (none can pull a base image here): its
// instructions parse; it builds from the lockfile with npm ci and prunes dev dependencies; every
// COPY source exists in the build context and is not excluded by .dockerignore, and every
// COPY --from=build source is something the build stage produces; the runtime stage runs as the
// non-root user the manifests assume, with `coffer` on PATH pointing at an executable node script;
// its HEALTHCHECK script exists and works against a real server; and nothing the image runs
// (dist/src) imports a devDependency or a file outside dist/src.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { PATHS } from '../../src/k8s/manifests/index.js';
import { RUN_AS } from '../../src/k8s/manifests/common.js';
import { freePort, startConfiguredServer, tempDir } from '../support/server.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const HEALTHCHECK = join(ROOT, 'dist/src/container/healthcheck.js');

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Dockerfile syntax: comments, line continuations with '\', one instruction per logical line. */
function parseContainerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (buf === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (buf === '') start = i + 1;
    if (line.endsWith('\\')) {
      buf += `${line.slice(0, -1)} `;
      return;
    }
    buf += line;
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(buf);
    if (!m) throw new Error(`line ${start}: not an instruction: ${buf}`);
    out.push({ op: m[1]!.toUpperCase(), args: m[2]!.replace(/\s+/g, ' ').trim(), line: start });
    buf = '';
  });
  assert.equal(buf, '', 'a continuation runs off the end');
  return out;
}

const KNOWN = new Set(['FROM', 'ARG', 'ENV', 'WORKDIR', 'RUN', 'COPY', 'USER', 'EXPOSE', 'HEALTHCHECK', 'ENTRYPOINT', 'CMD', 'LABEL']);

function stages(ins: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const i of ins) {
    if (i.op === 'FROM') out.push([i]);
    else if (out.length > 0) out[out.length - 1]!.push(i);
  }
  return out;
}

/** `COPY [--from=x] src... dest` -> flags, sources and destination. */
function copyParts(args: string): { from?: string; sources: string[]; dest: string } {
  const words = args.split(' ');
  let from: string | undefined;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
  }
  const dest = words.pop()!;
  return { ...(from ? { from } : {}), sources: words, dest };
}

/** .dockerignore patterns (anchored at the context's root, as Docker reads them). */
function ignored(patterns: string[], path: string): boolean {
  return patterns.some((p) => {
    const re = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/.*)?$`);
    return re.test(path);
  });
}

function jsonArray(text: string): string[] {
  const v: unknown = JSON.parse(text);
  assert.ok(Array.isArray(v) && v.every((x) => typeof x === 'string'), `exec form expected: ${text}`);
  return v as string[];
}

const text = readFileSync(join(ROOT, 'Containerfile'), 'utf8');
const ins = parseContainerfile(text);
const [build, runtime] = stages(ins) as [Instruction[], Instruction[]];
const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

describe('Containerfile', () => {
  it('parses into known instructions and two stages from a Node 20 base', () => {
    for (const i of ins) assert.ok(KNOWN.has(i.op), `line ${i.line}: ${i.op}`);
    assert.equal(stages(ins).length, 2);
    const arg = ins.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    assert.match(arg!.args, /^NODE_IMAGE=node:20-[a-z0-9.-]+$/);
    assert.equal(build[0]!.args, '${NODE_IMAGE} AS build');
    assert.equal(runtime[0]!.args, '${NODE_IMAGE}');
  });

  it('builds from the lockfile: package.json and package-lock.json copied, then npm ci; dev dependencies pruned after the build', () => {
    const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args);
    const firstCopy = build.findIndex((i) => i.op === 'COPY');
    assert.deepEqual(copyParts(build[firstCopy]!.args).sources, ['package.json', 'package-lock.json']);
    const ci = build.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
    assert.ok(ci > firstCopy, 'npm ci after the lockfile is in');
    assert.ok(!runs.some((r) => /\bnpm (install|i)\b/.test(r)), 'never npm install (it may rewrite the lockfile)');
    const buildRun = build.findIndex((i) => i.op === 'RUN' && /npm run build/.test(i.args));
    assert.ok(buildRun > ci);
    assert.match(build[buildRun]!.args, /npm run build && npm prune --omit=dev/);
    assert.equal(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build, 'tsc -p .');
    // the only dependency whose install script matters (a native build) gets it run; protobufjs's
    // (etcd3's gRPC stack) only prints a version-scheme warning, so --ignore-scripts loses nothing
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean; dev?: boolean }>)
      .filter(([, p]) => p.hasInstallScript && !p.dev)
      .map(([k]) => k.replace(/^node_modules\//, ''));
    assert.deepEqual(withScripts.sort(), ['better-sqlite3', 'protobufjs']);
    const protobufPostinstall = readFileSync(join(ROOT, 'node_modules/protobufjs/scripts/postinstall.js'), 'utf8');
    assert.doesNotMatch(protobufPostinstall, /writeFile|execSync|spawn|child_process/, 'protobufjs postinstall only warns');
    assert.match(build[ci]!.args, /npm ci --ignore-scripts .*&& npm rebuild better-sqlite3/);
  });

  it('every COPY source is in the build context and not excluded by .dockerignore', () => {
    for (const i of build.filter((x) => x.op === 'COPY')) {
      const { from, sources } = copyParts(i.args);
      assert.equal(from, undefined);
      for (const s of sources) {
        assert.ok(existsSync(join(ROOT, s)), `line ${i.line}: ${s} is not in the repository`);
        assert.ok(!ignored(ignore, s), `line ${i.line}: ${s} is excluded by .dockerignore`);
      }
    }
    for (const p of ['node_modules', 'dist', '.git', 'test', 'dist/src/index.js', 'coffer.db']) assert.ok(ignored(ignore, p), `${p} should be ignored`);
    for (const p of ['src', 'src/cli/main.ts', 'bin/coffer.js', 'package.json', 'package-lock.json', 'tsconfig.json']) assert.ok(!ignored(ignore, p), p);
  });

  it('the runtime stage copies what the build stage makes, runs as 65532 with coffer on PATH and a healthcheck', () => {
    const workdir = build.find((i) => i.op === 'WORKDIR')!.args;
    for (const i of runtime.filter((x) => x.op === 'COPY')) {
      const { from, sources } = copyParts(i.args);
      assert.equal(from, 'build', `line ${i.line}: the runtime stage copies only from the build stage`);
      // the build stage's /src is this repository after `npm ci` and `npm run build`
      for (const s of sources) {
        assert.ok(s.startsWith(`${workdir}/`), s);
        assert.ok(existsSync(join(ROOT, s.slice(workdir.length + 1))), `line ${i.line}: ${s} is not produced`);
      }
    }
    const user = runtime.filter((i) => i.op === 'USER');
    assert.equal(user.length, 1);
    assert.equal(user[0]!.args, `${RUN_AS}:${RUN_AS}`);
    const userAt = runtime.indexOf(user[0]!);
    assert.ok(runtime.slice(userAt).every((i) => i.op !== 'RUN'), 'nothing runs as root after USER');
    // coffer on PATH: a link to bin/coffer.js, a node script with the executable bit
    const runtimeDir = runtime.find((i) => i.op === 'WORKDIR')!.args;
    const link = /ln -s (\S+) \/usr\/local\/bin\/coffer\b/.exec(runtime.find((i) => i.op === 'RUN')!.args);
    assert.ok(link, 'coffer is linked into /usr/local/bin');
    assert.equal(link[1], `${runtimeDir}/bin/coffer.js`);
    assert.match(readFileSync(join(ROOT, 'bin/coffer.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    assert.match(execFileSync('git', ['-C', ROOT, 'ls-files', '-s', 'bin/coffer.js']).toString(), /^100755 /);
    assert.deepEqual(jsonArray(runtime.find((i) => i.op === 'ENTRYPOINT')!.args), ['coffer']);
    assert.deepEqual(jsonArray(runtime.find((i) => i.op === 'CMD')!.args), ['server', `-config=${PATHS.configDir}`]);
    // the data directory the manifests mount exists and belongs to the user
    assert.ok(runtime.find((i) => i.op === 'RUN')!.args.includes(`mkdir -p ${PATHS.configDir} ${PATHS.dataDir} && chown ${RUN_AS}:${RUN_AS} ${PATHS.dataDir}`));
    const hc = runtime.find((i) => i.op === 'HEALTHCHECK')!.args;
    const cmd = jsonArray(hc.slice(hc.indexOf('CMD ') + 4));
    assert.equal(cmd[0], 'node');
    assert.equal(cmd[1], `${runtimeDir}/dist/src/container/healthcheck.js`);
    assert.ok(existsSync(HEALTHCHECK));
  });

  it('nothing under dist/src imports a devDependency, an undeclared package or a file outside dist/src', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const deps = new Set(Object.keys(pkg.dependencies));
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    for (const d of deps) assert.notEqual(lock.packages[`node_modules/${d}`]?.dev, true, `${d} is a runtime dependency in the lockfile`);
    const builtins = new Set(builtinModules);
    const distSrc = join(ROOT, 'dist/src');
    const used = new Set<string>();
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.js') ? [join(d, e.name)] : []));
    const files = walk(distSrc);
    assert.ok(files.length > 50);
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      const specs = [...code.matchAll(/(?:^|[;\n])\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[;\n])\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
      for (const s of specs) {
        if (s.startsWith('.')) {
          const target = resolve(dirname(file), s);
          assert.ok(!relative(distSrc, target).startsWith('..'), `${relative(ROOT, file)} imports ${s}, outside dist/src (not in the image)`);
          continue;
        }
        if (s.startsWith('node:') || builtins.has(s)) continue;
        const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
        used.add(name);
        assert.ok(deps.has(name), `${relative(ROOT, file)} imports ${s}, which is not in "dependencies" (npm ci --omit=dev leaves it out)`);
      }
    }
    // the scan sees real imports
    for (const d of ['yaml', 'pg', 'better-sqlite3']) assert.ok(used.has(d), d);
  });
});

describe('the image healthcheck', () => {
  it('exits 0 while the server answers (uninitialized, sealed or not) and 1 when nothing listens', async () => {
    const dir = tempDir('coffer-healthcheck-');
    const srv = await startConfiguredServer(`storage "sqlite" {\n  path = "${dir}/c.db"\n}`, '', dir);
    try {
      const run = (addr: string): { status: number | null; stdout: string } => {
        const r = spawnSync(process.execPath, [HEALTHCHECK], { env: { PATH: process.env.PATH, VAULT_ADDR: addr }, encoding: 'utf8' });
        return { status: r.status, stdout: r.stdout };
      };
      assert.deepEqual(run(srv.addr), { status: 0, stdout: 'ok: not initialized\n' });
      const down = run(`http://127.0.0.1:${await freePort()}`);
      assert.equal(down.status, 1);
      assert.match(down.stdout, /cannot reach http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await srv.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

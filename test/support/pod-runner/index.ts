// A kubelet-like pod runner for end-to-end tests, on this machine, as root: the init containers
// in order (each to completion; a native sidecar, restartPolicy: Always, is started and its
// startupProbe polled before the next), then the app containers and classic sidecars together;
// each container in its own mount namespace (`unshare -m`, see mounts.ts) with its command, its
// env ($(VAR) expanded as the kubelet does), its volume mounts and its securityContext's user and
// read-only root. Volumes: every emptyDir is a fresh temporary directory shared by the containers
// that mount it; any other volume needs a host directory from the caller (e.g. the
// service-account token volume, see serviceAccountVolume). Images map to root file systems
// (default: this machine's /). Networking is the host's (127.0.0.1), as with hostNetwork.
// stop() ends every container (SIGTERM, then SIGKILL) and waits for them; the temporary
// directories go with the test process (tempDir).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from '../../../src/k8s/pod.js';
import { tempDir } from '../tmp.js';
import { setupScript, type BindMount } from './mounts.js';

export interface PodRunnerOptions {
  pod: Pod;
  /** Host directories for the pod's volumes that are not emptyDirs, by volume name. */
  volumeSources?: Record<string, string>;
  /** Root file system of each image (default: "/", this machine's). */
  images?: Record<string, string>;
  /** Directories put first on every container's PATH (e.g. one holding a `coffer` wrapper). */
  path?: string[];
  /** How long an init container may run, or a startupProbe take (default 60 s). */
  timeoutMs?: number;
}

export interface RunningContainer {
  name: string;
  proc: ChildProcess;
  output(): string;
  /** Resolves with the exit code (128 + signal number when killed). */
  exited: Promise<number>;
  /** What the container wrote to /dev/termination-log (the kubelet's termination message). */
  terminationMessage(): string;
  /** Resolves once the container's output matches; rejects if it exits first or after timeoutMs. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<void>;
}

export interface RunningPod {
  containers: Map<string, RunningContainer>;
  /** The host directory behind an emptyDir volume. */
  volumeDir(name: string): string;
  /** Output of every container started so far, for failure messages. */
  describe(): string;
  stop(): Promise<void>;
}

const SIGNALS: Record<string, number> = { SIGTERM: 15, SIGKILL: 9, SIGINT: 2, SIGHUP: 1 };
const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Fails clearly (instead of hanging later) when this machine cannot run pods. */
export function checkPodRunner(unshare = 'unshare'): void {
  if (process.platform !== 'linux') throw new Error('the pod runner needs Linux (mount namespaces)');
  const r = spawnSync(unshare, ['-m', '--propagation', 'private', 'true'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`the pod runner needs \`unshare -m\` (util-linux) and root: ${r.error?.message ?? r.stderr.trim() ?? `exit ${r.status}`}`);
  }
}

/** $(VAR) -> its value when VAR is defined, $$(VAR) -> $(VAR), as the kubelet expands command, args and env. */
export function expand(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : m;
  });
}

function containerEnv(c: Container, pathDirs: string[]): Record<string, string> {
  const vars = new Map<string, string>();
  for (const e of c.env ?? []) {
    if (e.value === undefined && e.valueFrom !== undefined) throw new Error(`pod runner: ${c.name}: env ${e.name} uses valueFrom, which it does not support`);
    vars.set(e.name, expand(e.value ?? '', vars));
  }
  const env: Record<string, string> = { PATH: [...pathDirs, BASE_PATH].join(':'), HOSTNAME: 'pod', ...Object.fromEntries(vars) };
  return env;
}

async function probe(port: number, path: string): Promise<boolean> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
    await r.arrayBuffer();
    return r.status >= 200 && r.status < 400;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runPod(o: PodRunnerOptions): Promise<RunningPod> {
  checkPodRunner();
  const spec = o.pod.spec;
  if (!spec) throw new Error('pod runner: the pod has no spec');
  const timeoutMs = o.timeoutMs ?? 60_000;
  const base = tempDir('coffer-pod-');
  const volumes = new Map<string, string>();
  for (const v of spec.volumes ?? []) {
    const given = o.volumeSources?.[v.name];
    if (given) volumes.set(v.name, given);
    else if (v.emptyDir) {
      const dir = join(base, 'volumes', v.name);
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777); // as the kubelet: any container user can write
      volumes.set(v.name, dir);
    } else throw new Error(`pod runner: volume ${v.name} is not an emptyDir; give its host directory in volumeSources`);
  }

  const running = new Map<string, RunningContainer>();
  let seq = 0;

  function start(c: Container): RunningContainer {
    if (!c.command || c.command.length === 0) throw new Error(`pod runner: ${c.name} has no command (the runner knows no image entrypoints)`);
    if (c.workingDir !== undefined && c.workingDir !== '/') throw new Error(`pod runner: ${c.name}: workingDir is not supported`);
    const env = containerEnv(c, o.path ?? []);
    const vars = new Map(Object.entries(env));
    const argv = [...c.command, ...(c.args ?? [])].map((a) => expand(a, vars));
    const mounts: BindMount[] = (c.volumeMounts ?? []).map((m) => {
      const source = volumes.get(m.name);
      if (!source) throw new Error(`pod runner: ${c.name} mounts ${m.name}, which is not a volume of the pod`);
      if (m.subPath) throw new Error(`pod runner: ${c.name}: subPath is not supported`);
      return { source, target: m.mountPath, readOnly: m.readOnly === true };
    });
    const sc = c.securityContext;
    const scratch = join(base, 'containers', `${++seq}-${c.name}`);
    mkdirSync(scratch, { recursive: true });
    const terminationLog = `${scratch}.termination-log`;
    writeFileSync(terminationLog, '', { mode: 0o666 });
    chmodSync(terminationLog, 0o666);
    const script = setupScript({
      imageRoot: o.images?.[c.image ?? ''] ?? '/',
      scratch,
      mounts,
      readOnlyRoot: sc?.readOnlyRootFilesystem === true,
      terminationLog,
      ...(sc?.runAsUser !== undefined ? { user: { uid: sc.runAsUser, gid: sc.runAsGroup ?? 0 } } : {}),
    });
    const proc = spawn('unshare', ['-m', '--propagation', 'private', '/bin/sh', '-c', script, 'sh', ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number>((resolve) => {
      proc.on('error', (e) => {
        out += `\n[pod runner] could not start: ${e.message}\n`;
        resolve(127);
      });
      proc.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 0) : 0)));
    });
    let done = false;
    void exited.then(() => (done = true));
    const waitForOutput = async (re: RegExp, ms = timeoutMs): Promise<void> => {
      const until = Date.now() + ms;
      while (!re.test(out)) {
        if (done) throw new Error(`${c.name} exited before its output matched ${re}:\n${out}`);
        if (Date.now() > until) throw new Error(`${c.name}: output did not match ${re} within ${ms / 1000}s:\n${out}`);
        await sleep(50);
      }
    };
    const rc: RunningContainer = { name: c.name, proc, output: () => out, exited, waitForOutput, terminationMessage: () => readFileSync(terminationLog, 'utf8') };
    running.set(c.name, rc);
    return rc;
  }

  const describe = (): string => [...running.values()].map((r) => `--- ${r.name} (exit ${r.proc.exitCode ?? r.proc.signalCode ?? 'running'}):\n${r.output()}`).join('\n');

  async function stop(): Promise<void> {
    const live = [...running.values()].filter((r) => r.proc.exitCode === null && r.proc.signalCode === null);
    for (const r of live) r.proc.kill('SIGTERM');
    await Promise.all(
      live.map(async (r) => {
        const t = setTimeout(() => r.proc.kill('SIGKILL'), 10_000);
        await r.exited;
        clearTimeout(t);
      }),
    );
  }

  const pod: RunningPod = {
    containers: running,
    volumeDir: (name) => {
      const d = volumes.get(name);
      if (!d) throw new Error(`no volume ${name}`);
      return d;
    },
    describe,
    stop,
  };

  try {
    for (const c of spec.initContainers ?? []) {
      const rc = start(c);
      if (c.restartPolicy === 'Always') {
        const p = c.startupProbe?.httpGet;
        if (!p) continue;
        const until = Date.now() + timeoutMs;
        for (;;) {
          if (await probe(p.port, p.path)) break;
          if (rc.proc.exitCode !== null || rc.proc.signalCode !== null) throw new Error(`native sidecar ${c.name} exited before its startupProbe passed`);
          if (Date.now() > until) throw new Error(`native sidecar ${c.name}: startupProbe GET :${p.port}${p.path} did not pass within ${timeoutMs / 1000}s`);
          await sleep(100);
        }
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([rc.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))]);
      clearTimeout(timer);
      if (code === 'timeout') throw new Error(`init container ${c.name} did not finish within ${timeoutMs / 1000}s`);
      if (code !== 0) throw new Error(`init container ${c.name} failed with exit code ${code}`);
    }
    for (const c of spec.containers) start(c);
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${describe()}`);
  }
  return pod;
}

/** A host directory like a projected service-account token volume: token, ca.crt, namespace. */
export function serviceAccountVolume(token: string, caPem: string, namespace: string): string {
  const dir = tempDir('coffer-pod-sa-');
  writeFileSync(join(dir, 'token'), token, { mode: 0o644 });
  writeFileSync(join(dir, 'ca.crt'), caPem, { mode: 0o644 });
  writeFileSync(join(dir, 'namespace'), namespace, { mode: 0o644 });
  chmodSync(dir, 0o755);
  return dir;
}

/** A directory with a `coffer` executable that runs this checkout's bin/coffer.js with this node. */
export function cofferBinDir(cofferJs: string): string {
  const dir = tempDir('coffer-pod-bin-');
  writeFileSync(join(dir, 'coffer'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cofferJs)} "$@"\n`, { mode: 0o755 });
  chmodSync(dir, 0o755);
  return dir;
}

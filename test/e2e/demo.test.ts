// `npm run demo` (demo/run.ts), run from its compiled entry (not through npm, which would rebuild
// dist/ under the running suite): every step is printed, the app prints the tutorial's secret,
// the tutorial's mysql-db pod logs in to the local MariaDB with a user the database engine made
// (dropped when its lease is revoked), doctor reports the tutorial's mistakes 3-7, it exits 0,
// prints no token or password, and leaves nothing behind (no process of its process group, no
// temporary file, no mount, no MariaDB user). Without `unshare` it exits 2 saying it needs root
// and unshare.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { mariadbUserExists } from '../support/mariadb-admin.js';
import { checkPodRunner } from '../support/pod-runner/index.js';
import { tempDir } from '../support/tmp.js';

const DEMO = resolve(import.meta.dirname, '../../demo/run.js');

interface Run {
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the demo as the leader of its own process group (so its leftovers can be found by group). */
function runDemo(env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, [DEMO], { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('error', rej);
    p.on('close', (code) => res({ pid: p.pid!, code, stdout, stderr }));
  });
}

/** Live processes whose process group is `pgid` (field 5 of /proc/PID/stat). */
function processesInGroup(pgid: number): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie (Z) has exited: it is only waiting to be reaped by PID 1, which in some containers
    // reaps nothing (a process orphaned while its container was being stopped).
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') found.push(`${pid} ${stat.slice(0, stat.lastIndexOf(')') + 1)}`);
  }
  return found;
}

describe('npm run demo', () => {
  it('runs the tutorial end to end: the app prints its secret, doctor finds mistakes 3-7, exit 0, nothing left behind', async () => {
    checkPodRunner(); // fails at once, with the reason, where unshare cannot work
    const tmp = tempDir('coffer-demo-test-');
    chmodSync(tmp, 0o755); // as /tmp is: the pod's non-root containers reach their folders under it
    const r = await runDemo({ TMPDIR: tmp });
    const all = `${r.stdout}\n--- stderr:\n${r.stderr}`;
    assert.equal(r.code, 0, all);
    for (const title of [
      /== Step \d+: Start a Coffer server: SQLite storage, a TLS listener\n.*\$ cat > server\.hcl/,
      /→ listening on https:\/\/127\.0\.0\.1:\d+/,
      /== Step \d+: Initialize and unseal it/,
      /== Step \d+: Start the fake Kubernetes API/,
      /== Step \d+: Enable Kubernetes auth at kube-policy[^\n]*\n\s+\$ coffer auth enable -path=kube-policy kubernetes/,
      /== Step \d+: Write the policy[^\n]*\n\s+\$ coffer policy write myapp-policy/,
      /== Step \d+: Write the role[^\n]*\n\s+\$ coffer write auth\/kube-policy\/role\/my-role/,
      /vault\.hashicorp\.com\/agent-inject-secret-config\.txt: secret\/data\/myapp\/config/,
      /== Step \d+: The injector mutates the pod[\s\S]*initContainers: vault-agent-init; containers: app, vault-agent/,
      /== Step \d+: Run the mutated pod as a kubelet would/,
      /== Step \d+: The tutorial's opening pod, done right: a MariaDB admin user/,
      /== Step \d+: Enable the database secrets engine[^\n]*\n\s+\$ coffer secrets enable database/,
      /→ database\/config\/mariadb: plugin mysql-database-plugin, allowed_roles app, password not returned: true/,
      /== Step \d+: A role: each read of database\/creds\/app[^\n]*\n\s+\$ coffer write database\/roles\/app/,
      /vault\.hashicorp\.com\/agent-inject-secret-db-creds: database\/creds\/app/,
      /initContainers: vault-agent-init; containers: db, vault-agent/,
      /== Step \d+: What `coffer k8s doctor` says/,
    ]) {
      assert.match(r.stdout, title, all);
    }
    // The app's own output, after its step's heading: the secret rendered by the injected agent.
    const appPart = r.stdout.slice(r.stdout.indexOf("The app's output"));
    assert.match(appPart, /^ {4}export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'\n {4}export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI\/K7MDENG\/bPxRfiCYEXAMPLEKEY'$/m, all);
    // ...and nowhere before it: the steps that write it do not show it.
    assert.ok(!r.stdout.slice(0, r.stdout.indexOf("The app's output")).includes('EXAMPLEKEY'), all);
    // The mysql-db pod's app logged in with the generated user, and revoking dropped it.
    const login = /^ {4}logged in to MariaDB as (v-app-(\w+)-\w+); SELECT CURRENT_USER\(\): (\S+)$/m.exec(r.stdout);
    assert.ok(login, all);
    assert.equal(login[3], `${login[1]}@%`);
    assert.match(r.stdout, new RegExp(`→ user ${login[1]} still in MariaDB: false`), all);
    const admin = /→ admin user (coffer_adm_\w+) with a random password/.exec(r.stdout)?.[1];
    assert.ok(admin, all);
    assert.equal(await mariadbUserExists(login[1]!), false, 'the pod\'s user is dropped');
    assert.equal(await mariadbUserExists(admin!), false, "the demo's admin is dropped");
    assert.doesNotMatch(all, /DB_PASSWORD='[^{]/, 'no database password printed');
    // Doctor on the tutorial's original files: mistakes 3 to 7, at their lines.
    const doctorPart = r.stdout.slice(r.stdout.indexOf('What `coffer k8s doctor` says'));
    for (const finding of [
      'seed/my-app.yaml:22: [agent-config-missing]', // 3
      'seed/my-app.yaml:20: [agent-in-containers]', // 4
      'seed/my-app.yaml:40: [mount-over-system-dir]', // 5
      'seed/setup.sh:15: [reviewer-jwt-from-sa-secrets]', // 6
      'seed/app.py:11: [sa-token-path]', // 7
    ]) {
      assert.ok(doctorPart.includes(finding), `${finding} missing:\n${all}`);
    }
    assert.match(doctorPart, /doctor exited 1/);
    // No token of Coffer's or of Kubernetes's is printed.
    assert.doesNotMatch(all, /hvs\.[A-Za-z0-9]{8,}/);
    assert.doesNotMatch(all, /eyJ[\w-]+\.eyJ/);
    // Nothing left: no process of its group, no file in its TMPDIR, no mount under it.
    // (Linux does not reuse a PID while a process group has it as its id: if the demo's PID is in
    // use again, by a process of another group, no process of the demo's group was left then.)
    const reused = existsSync(`/proc/${r.pid}`);
    if (!reused) assert.deepEqual(processesInGroup(r.pid), []);
    assert.deepEqual(readdirSync(tmp), []);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(tmp), 'no mount left under its temporary folder');
  });

  it('exits 2 saying it needs root and unshare when unshare is missing', async () => {
    const r = await runDemo({ PATH: tempDir('coffer-demo-empty-path-'), TMPDIR: tempDir('coffer-demo-test-') });
    assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /needs root and `unshare -m`/);
    assert.doesNotMatch(r.stdout, /== Step/);
  });
});

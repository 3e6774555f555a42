// The "restricted" Pod Security Standard helper: a compliant pod spec passes, and each kind of
// violation is named.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkRestricted } from './pod-security.js';

function compliant(): Record<string, any> {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      { name: 'app', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
    ],
    initContainers: [
      {
        name: 'init',
        image: 'i',
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
      },
    ],
    volumes: [{ name: 'c', configMap: { name: 'c' } }, { name: 't', emptyDir: {} }, { name: 'p', projected: { sources: [] } }],
  };
}

describe('checkRestricted', () => {
  it('passes a compliant pod spec', () => {
    assert.deepEqual(checkRestricted(compliant()), []);
  });

  it('names every violation of a non-compliant spec', () => {
    const s = compliant();
    s.hostNetwork = true;
    s.securityContext = {};
    s.volumes.push({ name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } });
    const c = s.containers[0];
    c.securityContext = { privileged: true, capabilities: { add: ['SYS_ADMIN'] } };
    c.ports = [{ containerPort: 80, hostPort: 80 }];
    const errors = checkRestricted(s);
    for (const expected of [
      /host namespaces: spec.hostNetwork/,
      /hostPath volumes: spec.volumes\[3\] \(h\)/,
      /volume types: spec.volumes\[3\] \(h\) is of type hostPath/,
      /volume types: spec.volumes\[4\] \(n\) is of type nfs/,
      /privileged: spec.containers\[0\] \(app\)/,
      /capabilities: spec.containers\[0\] \(app\) adds SYS_ADMIN/,
      /capabilities: spec.containers\[0\] \(app\).securityContext.capabilities.drop must include ALL/,
      /privilege escalation: spec.containers\[0\] \(app\)/,
      /running as non-root: spec.containers\[0\] \(app\)/,
      /seccomp: spec.containers\[0\] \(app\) needs seccompProfile/,
      /host ports: spec.containers\[0\] \(app\) uses hostPort 80/,
    ]) {
      assert.ok(errors.some((e) => expected.test(e)), `${expected} not in:\n${errors.join('\n')}`);
    }
    // the init container keeps its own seccomp profile, but the pod lost runAsNonRoot
    assert.ok(errors.some((e) => /running as non-root: spec.initContainers\[0\]/.test(e)));
    assert.ok(!errors.some((e) => /seccomp: spec.initContainers/.test(e)));
  });

  it('refuses root, Unconfined seccomp, a container that opts out of runAsNonRoot and added capabilities', () => {
    const s = compliant();
    s.securityContext.runAsUser = 0;
    s.securityContext.seccompProfile = { type: 'Unconfined' };
    s.containers[0].securityContext.runAsNonRoot = false;
    s.containers[0].securityContext.capabilities.add = ['CHOWN'];
    s.ephemeralContainers = [{ name: 'debug', image: 'i', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, procMount: 'Unmasked' } }];
    const errors = checkRestricted(s, { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } });
    for (const expected of [
      /non-root user: spec.securityContext.runAsUser must not be 0/,
      /seccomp: spec.securityContext.seccompProfile.type Unconfined/,
      /running as non-root: spec.containers\[0\] \(app\)/,
      /adds CHOWN \(restricted allows only NET_BIND_SERVICE\)/,
      /\/proc mount: spec.ephemeralContainers\[0\] \(debug\)/,
      /AppArmor: annotation container.apparmor/,
    ]) {
      assert.ok(errors.some((e) => expected.test(e)), `${expected} not in:\n${errors.join('\n')}`);
    }
  });
});

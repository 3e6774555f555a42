// The "restricted" Pod Security Standard as a test helper: checks a pod spec (with the pod's
// annotations, for the AppArmor ones) against every Baseline and Restricted control of
// https://kubernetes.io/docs/concepts/security/pod-security-standards/ for Linux pods, and returns
// one line per violation (empty when the pod would be admitted in a namespace labelled
// `pod-security.kubernetes.io/enforce: restricted`). Written from the documented controls, not
// from the admission plugin's code.

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** Baseline "Capabilities": what may be added beyond the runtime's default set. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** Restricted "Volume Types": the only volume sources allowed. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Baseline "Sysctls": the safe set. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** Checks a PodSpec (and optionally the pod's metadata) against the restricted profile. */
export function checkRestricted(podSpec: unknown, podMetadata: unknown = {}): string[] {
  const spec = obj(podSpec);
  const podSc = obj(spec.securityContext);
  const annotations = obj(obj(podMetadata).annotations);
  const out: string[] = [];
  const containers: { where: string; c: Obj }[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[field]).forEach((c, i) => containers.push({ where: `spec.${field}[${i}] (${String(c.name)})`, c }));
  }

  // --- Baseline ---
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) out.push(`host namespaces: spec.${f} must be false`);
  if (obj(podSc.windowsOptions).hostProcess === true) out.push('HostProcess: spec.securityContext.windowsOptions.hostProcess must be false');
  list(spec.volumes).forEach((v, i) => {
    if (v.hostPath !== undefined) out.push(`hostPath volumes: spec.volumes[${i}] (${String(v.name)}) is a hostPath`);
    const types = Object.keys(v).filter((k) => k !== 'name');
    for (const t of types) if (!RESTRICTED_VOLUMES.has(t)) out.push(`volume types: spec.volumes[${i}] (${String(v.name)}) is of type ${t}`);
  });
  for (const s of list(podSc.sysctls)) if (!SAFE_SYSCTLS.has(String(s.name))) out.push(`sysctls: ${String(s.name)} is not in the safe set`);
  checkSeLinux('spec.securityContext', obj(podSc.seLinuxOptions), out);
  checkAppArmor('spec.securityContext', obj(podSc.appArmorProfile), out);
  for (const [k, v] of Object.entries(annotations)) {
    if (k.startsWith('container.apparmor.security.beta.kubernetes.io/') && v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
      out.push(`AppArmor: annotation ${k} must be runtime/default or localhost/*`);
    }
  }

  // --- Restricted, pod level ---
  const podNonRoot = podSc.runAsNonRoot === true;
  if (podSc.runAsUser === 0) out.push('non-root user: spec.securityContext.runAsUser must not be 0');
  const podSeccomp = String(obj(podSc.seccompProfile).type ?? '');
  if (podSeccomp && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') out.push(`seccomp: spec.securityContext.seccompProfile.type ${podSeccomp} is not allowed`);

  for (const { where, c } of containers) {
    const sc = obj(c.securityContext);
    // Baseline, per container
    if (sc.privileged === true) out.push(`privileged: ${where}.securityContext.privileged must be false`);
    if (obj(sc.windowsOptions).hostProcess === true) out.push(`HostProcess: ${where} must not be a HostProcess container`);
    for (const p of list(c.ports)) if (p.hostPort !== undefined && p.hostPort !== 0) out.push(`host ports: ${where} uses hostPort ${String(p.hostPort)}`);
    checkSeLinux(`${where}.securityContext`, obj(sc.seLinuxOptions), out);
    checkAppArmor(`${where}.securityContext`, obj(sc.appArmorProfile), out);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.push(`/proc mount: ${where}.securityContext.procMount must be Default`);
    const caps = obj(sc.capabilities);
    for (const cap of strings(caps.add)) {
      if (!BASELINE_CAPABILITIES.has(cap)) out.push(`capabilities: ${where} adds ${cap}`);
      else if (cap !== 'NET_BIND_SERVICE') out.push(`capabilities: ${where} adds ${cap} (restricted allows only NET_BIND_SERVICE)`);
    }
    // Restricted, per container
    if (!strings(caps.drop).includes('ALL')) out.push(`capabilities: ${where}.securityContext.capabilities.drop must include ALL`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`privilege escalation: ${where}.securityContext.allowPrivilegeEscalation must be false`);
    if (sc.runAsNonRoot === false || (sc.runAsNonRoot !== true && !podNonRoot)) {
      out.push(`running as non-root: ${where} needs runAsNonRoot: true (in its securityContext or the pod's)`);
    }
    if (sc.runAsUser === 0) out.push(`non-root user: ${where}.securityContext.runAsUser must not be 0`);
    const seccomp = String(obj(sc.seccompProfile).type ?? '');
    if (seccomp && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`seccomp: ${where}.securityContext.seccompProfile.type ${seccomp} is not allowed`);
    if (!seccomp && !podSeccomp) out.push(`seccomp: ${where} needs seccompProfile.type RuntimeDefault or Localhost (on it or on the pod)`);
  }
  return out;
}

function checkSeLinux(where: string, se: Obj, out: string[]): void {
  if (!SELINUX_TYPES.has(String(se.type ?? ''))) out.push(`SELinux: ${where}.seLinuxOptions.type ${String(se.type)} is not allowed`);
  if (se.user !== undefined && se.user !== '') out.push(`SELinux: ${where}.seLinuxOptions.user must not be set`);
  if (se.role !== undefined && se.role !== '') out.push(`SELinux: ${where}.seLinuxOptions.role must not be set`);
}

function checkAppArmor(where: string, profile: Obj, out: string[]): void {
  const t = profile.type;
  if (t !== undefined && t !== 'RuntimeDefault' && t !== 'Localhost') out.push(`AppArmor: ${where}.appArmorProfile.type ${String(t)} is not allowed`);
}

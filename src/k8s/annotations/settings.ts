// The injector's cluster-wide settings (its flags and AGENT_INJECT_* variables) that annotations
// default to, with vault-k8s's defaults where Coffer keeps them and Coffer's own where it does
// not (resources sized to the agent's measured use; see RESOURCE_DEFAULTS).

export interface Resources {
  cpuRequest: string;
  memRequest: string;
  ephemeralRequest: string;
  cpuLimit: string;
  memLimit: string;
  ephemeralLimit: string;
}

export interface KubeVersion {
  major: number;
  minor: number;
}

export interface InjectorSettings {
  vaultAddress: string;
  /** The image the injected containers run: it must put `coffer` on PATH. */
  image: string;
  authType: string;
  authPath: string;
  runAsUser: number;
  runAsGroup: number;
  runAsSameUser: boolean;
  setSecurityContext: boolean;
  resources: Resources;
  defaultTemplate: 'map' | 'json';
  exitOnRetryFailure: boolean;
  staticSecretRenderInterval: string;
  authMinBackoff: string;
  authMaxBackoff: string;
  revokeOnShutdown: boolean;
  /** The agents' log level (annotation log-level overrides it). */
  agentLogLevel: string;
  /** The cluster's Kubernetes version, when known: native sidecars by default from 1.29 on. */
  kubeVersion?: KubeVersion;
  /** Port of the native sidecar's readiness endpoint (its startupProbe). */
  readinessPort: number;
}

/**
 * Coffer's default agent resources. The agent's measured peak RSS is ~52 MB (≈50 MiB) over ten
 * minutes of rendering and renewing, and it is idle between renders. So the memory request is that
 * peak rounded up (64Mi: the scheduler reserves what the process really uses), the memory limit
 * leaves 2.5x headroom for a burst of large secrets (128Mi), and the CPU request is 10m instead of
 * vault-k8s's 250m, the reservation users call waste in vault-k8s#216 (an idle agent uses 1-5m).
 * The CPU limit stays at 500m so Node's start-up (module loading, TLS) is not throttled.
 * `coffer.dev/resource-defaults: vault-k8s` brings back vault-k8s's 250m/64Mi and 500m/128Mi.
 */
export const RESOURCE_DEFAULTS: Readonly<Resources> = { cpuRequest: '10m', memRequest: '64Mi', ephemeralRequest: '', cpuLimit: '500m', memLimit: '128Mi', ephemeralLimit: '' };
export const VAULT_K8S_RESOURCES: Readonly<Resources> = { cpuRequest: '250m', memRequest: '64Mi', ephemeralRequest: '', cpuLimit: '500m', memLimit: '128Mi', ephemeralLimit: '' };

export const DEFAULT_IMAGE = 'coffer:latest';
export const DEFAULT_READINESS_PORT = 8250;

export function defaultSettings(overrides: Partial<InjectorSettings> = {}): InjectorSettings {
  return {
    vaultAddress: '',
    image: DEFAULT_IMAGE,
    authType: 'kubernetes',
    authPath: 'auth/kubernetes',
    runAsUser: 100,
    runAsGroup: 1000,
    runAsSameUser: false,
    setSecurityContext: true,
    resources: { ...RESOURCE_DEFAULTS },
    defaultTemplate: 'map',
    exitOnRetryFailure: true,
    staticSecretRenderInterval: '',
    authMinBackoff: '',
    authMaxBackoff: '',
    revokeOnShutdown: false,
    agentLogLevel: 'info',
    readinessPort: DEFAULT_READINESS_PORT,
    ...overrides,
  };
}

/** Kubernetes 1.29 made native sidecars (init containers with restartPolicy: Always) beta and on by default. */
export function supportsNativeSidecars(v: KubeVersion | undefined): boolean {
  return v !== undefined && (v.major > 1 || (v.major === 1 && v.minor >= 29));
}

/** "1.29", "v1.30.2", {major:"1", minor:"29+"} (GKE/EKS style) -> {major, minor}. */
export function parseKubeVersion(major: string, minor?: string): KubeVersion | undefined {
  if (minor === undefined) {
    const m = /^v?(\d+)\.(\d+)/.exec(major.trim());
    return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
  }
  const a = /^(\d+)/.exec(major.trim());
  const b = /^(\d+)/.exec(minor.trim());
  return a && b ? { major: Number(a[1]), minor: Number(b[1]) } : undefined;
}

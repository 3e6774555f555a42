// `coffer injector`: the mutating admission webhook that puts the agent into pods, with
// vault-k8s's flags and their AGENT_INJECT_* variables (a flag given on the command line wins over
// its variable). Given -tls-cert-file/-tls-key-file it serves those (SIGHUP reloads them); given
// -tls-auto=<MutatingWebhookConfiguration> it makes its own CA and certificate and, in a cluster,
// patches that configuration's caBundle. The cluster's version (native sidecars from 1.29) comes
// from -kube-version, else from the API server's /version when in a cluster, else it is unknown
// (classic injection).

import { untilStopSignal } from './stop-signal.js';
import { readFileSync } from 'node:fs';
import { parseFlags, usageText, UsageError, type FlagSpec, type ParsedFlags } from './flags.js';
import { defaultSettings, parseKubeVersion, RESOURCE_DEFAULTS, DEFAULT_IMAGE, DEFAULT_READINESS_PORT, parseGoBool, type InjectorSettings } from '../k8s/annotations/index.js';
import { startInjectorServer, type InjectorServer } from '../k8s/injector/index.js';
import type { TlsAuto } from '../k8s/tls-auto/index.js';
import { getServerVersion, inClusterConfig, type KubeConfig } from '../k8s/kube-api.js';
import type { KubeVersion } from '../k8s/annotations/index.js';
import { createLogger, isLogLevel, type Logger, type LogLevel } from '../agent/log.js';

/** Flag -> [type, default, AGENT_INJECT_* variable, usage]. */
const FLAGS: Record<string, FlagSpec & { env?: string }> = {
  listen: { type: 'string', default: ':8080', env: 'AGENT_INJECT_LISTEN', usage: 'Address to listen on (HOST:PORT or :PORT).' },
  'log-level': { type: 'string', default: 'info', env: 'AGENT_INJECT_LOG_LEVEL', usage: 'trace, debug, info, warn or error.' },
  'tls-cert-file': { type: 'string', default: '', env: 'AGENT_INJECT_TLS_CERT_FILE', usage: 'PEM certificate to serve.' },
  'tls-key-file': { type: 'string', default: '', env: 'AGENT_INJECT_TLS_KEY_FILE', usage: 'PEM private key of that certificate.' },
  'tls-auto': { type: 'string', default: '', env: 'AGENT_INJECT_TLS_AUTO', usage: 'Name of the MutatingWebhookConfiguration: generate a CA and a serving certificate in memory (renewed before expiry) and, in a cluster, keep its webhooks\' caBundle set to that CA. -tls-cert-file wins when both are given.' },
  'tls-auto-hosts': { type: 'string', default: '', env: 'AGENT_INJECT_TLS_AUTO_HOSTS', usage: 'Comma-separated names (or IPs) of the -tls-auto certificate. Default, in a cluster: SERVICE, SERVICE.NAMESPACE and SERVICE.NAMESPACE.svc of the service the webhook configuration calls.' },
  'vault-address': { type: 'string', default: '', env: 'AGENT_INJECT_VAULT_ADDR', usage: 'Address of the Coffer (or Vault) server the agents talk to; the service annotation overrides it.' },
  'vault-image': { type: 'string', default: DEFAULT_IMAGE, env: 'AGENT_INJECT_VAULT_IMAGE', usage: 'Image of the injected containers: the Coffer image (it puts coffer on PATH).' },
  'vault-auth-type': { type: 'string', default: 'kubernetes', env: 'AGENT_INJECT_VAULT_AUTH_TYPE', usage: 'Auth method of the agents: kubernetes, approle or token_file.' },
  'vault-auth-path': { type: 'string', default: 'auth/kubernetes', env: 'AGENT_INJECT_VAULT_AUTH_PATH', usage: 'Mount path of that auth method.' },
  'revoke-on-shutdown': { type: 'bool', default: false, env: 'AGENT_INJECT_REVOKE_ON_SHUTDOWN', usage: 'Revoke the agent token when the pod stops.' },
  'run-as-user': { type: 'int', default: 100, env: 'AGENT_INJECT_RUN_AS_USER', usage: 'uid of the injected containers.' },
  'run-as-group': { type: 'int', default: 1000, env: 'AGENT_INJECT_RUN_AS_GROUP', usage: 'gid of the injected containers.' },
  'run-as-same-user': { type: 'bool', default: false, env: 'AGENT_INJECT_RUN_AS_SAME_USER', usage: "Run the agent as the first app container's runAsUser." },
  'set-security-context': { type: 'bool', default: true, env: 'AGENT_INJECT_SET_SECURITY_CONTEXT', usage: 'Give the injected containers a restrictive securityContext.' },
  'default-template': { type: 'string', default: 'map', env: 'AGENT_INJECT_DEFAULT_TEMPLATE', usage: 'Default template: map or json.' },
  'cpu-request': { type: 'string', default: RESOURCE_DEFAULTS.cpuRequest, env: 'AGENT_INJECT_CPU_REQUEST', usage: 'CPU request of the injected containers (vault-k8s: 250m).' },
  'memory-request': { type: 'string', default: RESOURCE_DEFAULTS.memRequest, env: 'AGENT_INJECT_MEM_REQUEST', usage: 'Memory request of the injected containers.' },
  'ephemeral-storage-request': { type: 'string', default: '', env: 'AGENT_INJECT_EPHEMERAL_REQUEST', usage: 'Ephemeral storage request (unset by default).' },
  'cpu-limit': { type: 'string', default: RESOURCE_DEFAULTS.cpuLimit, env: 'AGENT_INJECT_CPU_LIMIT', usage: 'CPU limit of the injected containers.' },
  'memory-limit': { type: 'string', default: RESOURCE_DEFAULTS.memLimit, env: 'AGENT_INJECT_MEM_LIMIT', usage: 'Memory limit of the injected containers.' },
  'ephemeral-storage-limit': { type: 'string', default: '', env: 'AGENT_INJECT_EPHEMERAL_LIMIT', usage: 'Ephemeral storage limit (unset by default).' },
  'template-config-exit-on-retry-failure': { type: 'bool', default: true, env: 'AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE', usage: "The agents' template_config.exit_on_retry_failure." },
  'template-static-secret-render-interval': { type: 'string', default: '', env: 'AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL', usage: "The agents' template_config.static_secret_render_interval." },
  'auth-min-backoff': { type: 'string', default: '', env: 'AGENT_INJECT_AUTH_MIN_BACKOFF', usage: 'auto_auth min_backoff (the agent default is 1s).' },
  'auth-max-backoff': { type: 'string', default: '', env: 'AGENT_INJECT_AUTH_MAX_BACKOFF', usage: 'auto_auth max_backoff (the agent default is 5m).' },
  'kube-version': { type: 'string', default: '', env: 'AGENT_INJECT_KUBE_VERSION', usage: 'The cluster\'s Kubernetes version (e.g. 1.30). From 1.29 on, pods get a native sidecar by default. Unset: classic init container + sidecar, as vault-k8s.' },
  'readiness-port': { type: 'int', default: DEFAULT_READINESS_PORT, env: 'AGENT_INJECT_READINESS_PORT', usage: "Port of the native sidecar's readiness endpoint (its startupProbe)." },
};

export const INJECTOR_USAGE = `Usage: coffer injector -tls-cert-file=FILE -tls-key-file=FILE -vault-address=URL [options]
       coffer injector -tls-auto=WEBHOOK_CONFIGURATION -vault-address=URL [options]

  Runs the mutating admission webhook that injects Coffer's agent into pods
  annotated for vault-k8s (vault.hashicorp.com/agent-inject: "true"). It answers
  AdmissionReview v1 at POST /mutate, and serves GET /health/ready and GET /metrics.
  Every flag can also be set with its AGENT_INJECT_* variable.

      $ coffer injector -listen=:8080 -tls-cert-file=tls.crt -tls-key-file=tls.key \\
          -vault-address=https://coffer.coffer.svc:8200 -vault-image=coffer:0.1.0

${usageText(FLAGS)}`;

/** Applies AGENT_INJECT_* variables to the flags the command line did not set. */
function withEnv(parsed: ParsedFlags, env: Readonly<Record<string, string | undefined>>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, spec] of Object.entries(FLAGS)) {
    let v = parsed.values[name] as string | number | boolean;
    const e = spec.env ? env[spec.env] : undefined;
    if (!parsed.set.has(name) && e !== undefined && e !== '') {
      if (spec.type === 'bool') {
        const b = parseGoBool(e);
        if (b === undefined) throw new UsageError(`${spec.env}=${JSON.stringify(e)} is not true or false`);
        v = b;
      } else if (spec.type === 'int') {
        if (!/^\d+$/.test(e)) throw new UsageError(`${spec.env}=${JSON.stringify(e)} is not a whole number`);
        v = Number(e);
      } else v = e;
    }
    out[name] = v;
  }
  return out;
}

export function settingsFromFlags(v: Record<string, string | number | boolean>): InjectorSettings {
  const defaultTemplate = String(v['default-template']).toLowerCase();
  if (defaultTemplate !== 'map' && defaultTemplate !== 'json') throw new UsageError(`-default-template must be map or json, not ${JSON.stringify(v['default-template'])}`);
  const kv = String(v['kube-version']);
  const kubeVersion = kv === '' ? undefined : parseKubeVersion(kv);
  if (kv !== '' && !kubeVersion) throw new UsageError(`-kube-version must look like 1.30, not ${JSON.stringify(kv)}`);
  const address = String(v['vault-address']);
  if (address !== '' && !/^https?:\/\/[^/]/.test(address)) throw new UsageError(`-vault-address must be a URL such as https://coffer.coffer.svc:8200, not ${JSON.stringify(address)}`);
  return defaultSettings({
    vaultAddress: address,
    image: String(v['vault-image']),
    authType: String(v['vault-auth-type']),
    authPath: String(v['vault-auth-path']),
    runAsUser: Number(v['run-as-user']),
    runAsGroup: Number(v['run-as-group']),
    runAsSameUser: v['run-as-same-user'] === true,
    setSecurityContext: v['set-security-context'] === true,
    resources: {
      cpuRequest: String(v['cpu-request']),
      memRequest: String(v['memory-request']),
      ephemeralRequest: String(v['ephemeral-storage-request']),
      cpuLimit: String(v['cpu-limit']),
      memLimit: String(v['memory-limit']),
      ephemeralLimit: String(v['ephemeral-storage-limit']),
    },
    defaultTemplate,
    exitOnRetryFailure: v['template-config-exit-on-retry-failure'] === true,
    staticSecretRenderInterval: String(v['template-static-secret-render-interval']),
    authMinBackoff: String(v['auth-min-backoff']),
    authMaxBackoff: String(v['auth-max-backoff']),
    revokeOnShutdown: v['revoke-on-shutdown'] === true,
    readinessPort: Number(v['readiness-port']),
    ...(kubeVersion ? { kubeVersion } : {}),
  });
}

/**
 * In a cluster without -kube-version: the API server's GET /version. When it cannot be asked (no
 * answer, no permission, an odd answer), the version stays unknown, so pods get the classic init
 * container + sidecar, and a warning says so.
 */
async function askKubeVersion(kube: KubeConfig, log: Logger): Promise<KubeVersion | undefined> {
  try {
    const v = await getServerVersion(kube);
    const parsed = parseKubeVersion(v.major, v.minor);
    if (!parsed) throw new Error(`cannot read major ${JSON.stringify(v.major)} minor ${JSON.stringify(v.minor)}`);
    log.info('Kubernetes version from the API server', { major: parsed.major, minor: parsed.minor });
    return parsed;
  } catch (e) {
    log.warn('cannot learn the Kubernetes version from the API server: classic injection (init container + sidecar); set -kube-version', { error: (e as Error).message });
    return undefined;
  }
}

function hostPort(listen: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*)\]?)?:(\d+)$/.exec(listen.trim());
  if (!m || Number(m[2]) > 65535) throw new UsageError(`-listen must be HOST:PORT or :PORT, not ${JSON.stringify(listen)}`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

export async function injectorCommand(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    process.stdout.write(`${INJECTOR_USAGE}\n`);
    return 0;
  }
  let v;
  let settings: InjectorSettings;
  let addr;
  try {
    const parsed = parseFlags(argv, FLAGS);
    if (parsed.args.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.args[0])}: the injector takes only flags`);
    v = withEnv(parsed, env);
    settings = settingsFromFlags(v);
    addr = hostPort(String(v.listen));
    const level = String(v['log-level']).toLowerCase();
    if (!isLogLevel(level)) throw new UsageError(`-log-level must be trace, debug, info, warn or error, not ${JSON.stringify(v['log-level'])}`);
    if ((v['tls-cert-file'] === '') !== (v['tls-key-file'] === '')) throw new UsageError('give both -tls-cert-file and -tls-key-file');
    if (v['tls-cert-file'] === '' && v['tls-auto'] === '') throw new UsageError('give -tls-cert-file and -tls-key-file, or -tls-auto=<MutatingWebhookConfiguration name>: the API server only calls webhooks over HTTPS');
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`Error: ${e.message}\n\n${INJECTOR_USAGE}\n`);
      return 1;
    }
    throw e;
  }
  const log = createLogger(String(v['log-level']).toLowerCase() as LogLevel).named('injector');
  const kube = inClusterConfig(env);
  const fromFiles = v['tls-cert-file'] !== '';
  let cert: string | Buffer;
  let key: string | Buffer;
  let auto: TlsAuto | undefined;
  let server: InjectorServer | undefined;
  if (fromFiles) {
    try {
      cert = readFileSync(String(v['tls-cert-file']));
      key = readFileSync(String(v['tls-key-file']));
    } catch (e) {
      process.stderr.write(`Error: cannot read the TLS files: ${(e as Error).message}\n`);
      return 1;
    }
  } else {
    const webhookConfig = String(v['tls-auto']);
    try {
      const { resolveHosts, startTlsAuto } = await import('../k8s/tls-auto/index.js');
      const hosts = await resolveHosts(String(v['tls-auto-hosts']), webhookConfig, kube);
      auto = await startTlsAuto({ webhookConfig, hosts, kube, log: log.named('auto-tls'), onCertificate: (c) => server?.setCertificate(c.certPem, c.keyPem) });
    } catch (e) {
      process.stderr.write(`Error: -tls-auto: ${(e as Error).message}\n`);
      return 1;
    }
    cert = auto.current.certPem;
    key = auto.current.keyPem;
  }
  if (!settings.kubeVersion && kube) {
    const found = await askKubeVersion(kube, log);
    if (found) settings = { ...settings, kubeVersion: found };
  }
  if (settings.vaultAddress === '') log.warn('no -vault-address: every pod must carry vault.hashicorp.com/service, or it is refused');
  try {
    server = await startInjectorServer({ host: addr.host, port: addr.port, cert, key, settings, log });
  } catch (e) {
    auto?.stop();
    process.stderr.write(`Error starting the injector: ${(e as Error).message}\n`);
    return 1;
  }
  const running = server;
  log.info('Coffer injector listening', {
    address: `${addr.host}:${server.port}`,
    native_sidecars: settings.kubeVersion ? `${settings.kubeVersion.major}.${settings.kubeVersion.minor}` : 'off (unknown Kubernetes version: set -kube-version)',
    tls: fromFiles ? 'files' : `auto (${String(v['tls-auto'])})`,
  });
  process.stdout.write(`==> Coffer injector listening on https://${addr.host}:${running.port}\n`);
  await untilStopSignal(() => {
    if (!fromFiles) return;
    try {
      running.setCertificate(readFileSync(String(v['tls-cert-file'])), readFileSync(String(v['tls-key-file'])));
      log.info('TLS certificate reloaded');
    } catch (e) {
      log.error('TLS certificate reload failed; the old one stays', { error: (e as Error).message });
    }
  });
  auto?.stop();
  await running.close();
  return 0;
}

// Checks across stanzas for configurations that can never work, so the agent stops at once with
// the file and line instead of failing later (or, worse, exiting 0): exit_after_auth with exec,
// env_template without exec, an auto_auth whose token goes nowhere, templates with no way to get
// a token, method-level wrapping with anything that needs a usable token, two templates writing
// one file, and template syntax errors.

import { parse, TemplateError } from '../../template/index.js';
import { parseOnlyFunctions } from '../template-funcs.js';
import { ConfigError } from './read.js';
import type { AgentConfig } from './types.js';
import { isLogLevel } from '../log.js';

export interface ValidateOptions {
  /** The environment (for VAULT_TOKEN when there is no auto_auth). Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

function syntaxCheck(text: string, what: string, at: string, opts: { left?: string; right?: string; denylist?: readonly string[] }): void {
  try {
    parse(text, { name: what, funcs: parseOnlyFunctions(opts.denylist), leftDelim: opts.left, rightDelim: opts.right });
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const hint = /function "pkiCert" not defined/.test(e.message) ? ' (pkiCert is not supported by Coffer\'s agent yet: use secret "pki/issue/ROLE" "common_name=...")' : '';
    throw new ConfigError(`${at}: ${what}: ${e.message}${hint}`);
  }
}

export function validateConfig(c: AgentConfig, options: ValidateOptions = {}): void {
  const env = options.env ?? process.env;
  if (c.logLevel !== undefined && !isLogLevel(c.logLevel)) throw new ConfigError(`log_level "${c.logLevel}" is not one of trace, debug, info, warn, error`);

  if (c.exitAfterAuth && c.exec) {
    throw new ConfigError(`${c.exitAfterAuthWhere}: exit_after_auth = true cannot be used with exec (${c.exec.where}): the agent would exit before the app it supervises; remove one of them`);
  }
  if (c.exitAfterAuth && c.readiness) {
    throw new ConfigError(`${c.readiness.where}: readiness is for the long-running native sidecar, but exit_after_auth = true (${c.exitAfterAuthWhere}) makes the agent exit after the first render; remove one of them`);
  }
  if (c.exec && c.envTemplates.length === 0) {
    throw new ConfigError(`${c.exec.where}: exec needs at least one env_template "NAME" { contents = "..." } to give the app its secrets`);
  }
  if (!c.exec && c.envTemplates.length > 0) {
    throw new ConfigError(`${c.envTemplates[0]!.where}: env_template "${c.envTemplates[0]!.name}" has no exec { command = [...] } to pass its value to`);
  }
  const seenEnv = new Map<string, string>();
  for (const e of c.envTemplates) {
    const prev = seenEnv.get(e.name);
    if (prev) throw new ConfigError(`${e.where}: env_template "${e.name}" is defined twice (also at ${prev})`);
    seenEnv.set(e.name, e.where);
  }
  if (c.apiProxy && c.listeners.length === 0) {
    throw new ConfigError(`${c.apiProxy.where}: api_proxy needs a listener "tcp" { address = "127.0.0.1:8100" tls_disable = true } to serve on`);
  }

  const needsToken = c.templates.length > 0 || c.exec !== undefined;
  const aa = c.autoAuth;
  if (!aa) {
    if (c.apiProxy && c.apiProxy.useAutoAuthToken !== false) {
      throw new ConfigError(`${c.apiProxy.where}: api_proxy.use_auto_auth_token is set, but there is no auto_auth block to get that token`);
    }
    if (needsToken && !env.VAULT_TOKEN) {
      const at = c.templates[0]?.where ?? c.exec!.where;
      throw new ConfigError(`${at}: templates need a token: add an auto_auth block (or set VAULT_TOKEN)`);
    }
    if (c.exitAfterAuth) throw new ConfigError(`${c.exitAfterAuthWhere}: exit_after_auth = true needs an auto_auth block`);
  } else {
    const usesProxyToken = c.apiProxy !== undefined && c.apiProxy.useAutoAuthToken !== false;
    if (aa.sinks.length === 0 && !needsToken && !usesProxyToken) {
      throw new ConfigError(`${aa.where}: auto_auth has nowhere to put its token: add a sink "file" { config = { path = "..." } }, a template, exec, or api_proxy { use_auto_auth_token = true }`);
    }
    if (aa.method.wrapTtlSec !== undefined) {
      const at = aa.method.where;
      if (aa.sinks.length !== 1) throw new ConfigError(`${at}: auto_auth.method.wrap_ttl needs exactly one sink to write the wrapped token to`);
      if (aa.sinks[0]!.wrapTtlSec !== undefined) throw new ConfigError(`${aa.sinks[0]!.where}: wrap_ttl is set on both the method and the sink; set only one`);
      if (needsToken || usesProxyToken) {
        throw new ConfigError(`${at}: auto_auth.method.wrap_ttl leaves the agent with only a wrapped token, so templates, exec and api_proxy.use_auto_auth_token cannot work; set wrap_ttl on the sink instead`);
      }
    }
  }

  const destinations = new Map<string, string>();
  for (const s of aa?.sinks ?? []) destinations.set(s.path, `sink at ${s.where}`);
  for (const t of c.templates) {
    const prev = destinations.get(t.destination);
    if (prev) throw new ConfigError(`${t.where}: template destination ${t.destination} is also written by the ${prev.startsWith('sink') ? prev : `template at ${prev}`}`);
    destinations.set(t.destination, t.where);
    syntaxCheck(t.text, t.source ?? t.destination, t.where, { left: t.leftDelimiter, right: t.rightDelimiter, denylist: t.functionDenylist });
  }
  for (const e of c.envTemplates) syntaxCheck(e.text, `env_template "${e.name}"`, e.where, { left: e.leftDelimiter, right: e.rightDelimiter });
}

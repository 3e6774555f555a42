// Renders one template with consul-template's two-pass scheme: execute with what has been
// fetched (`secret` answers null for anything not fetched yet and records it), fetch what was
// missing, execute again; repeat until nothing new is needed (a template can compute paths from
// other secrets). Errors in a pass that still had missing secrets are ignored (they may come from
// the nulls); a missing key in the final pass gets a hint when it is a KV v2 `.Data.data` slip.

import { TemplateError, type MissingKeyMode, type Template, type TemplateValue } from '../template/index.js';
import { NOTHING_FETCHED, type LookupSlot, type SecretLookup } from './template-funcs.js';
import { listDep, readDep, writeDep, type Dep, type SecretFetcher } from './secret-fetcher.js';

const MAX_PASSES = 10;

export interface RenderResult {
  output: string;
  /** Everything the final pass read. */
  deps: Dep[];
}

/** An execution error (a missing key, a bad call): fetching again will not fix it. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    message: string,
    /** What the failed pass read (so a refresh of those secrets can try again). */
    readonly deps: Dep[],
  ) {
    super(message);
  }
}

function kvV2Hint(message: string, used: readonly Dep[], fetcher: SecretFetcher): string {
  const m = /map has no entry for key "([^"]+)"/.exec(message);
  if (!m) return '';
  const key = m[1]!;
  for (const d of used) {
    const f = fetcher.recall(d.key);
    if (!f?.kvV2 || d.kind !== 'read') continue;
    const data = (f.value as { Data?: { data?: Record<string, TemplateValue> } }).Data?.data;
    if (data && typeof data === 'object' && Object.prototype.hasOwnProperty.call(data, key)) {
      return ` (${d.path} is in a KV version 2 mount: its fields are under .Data.data, so write .Data.data.${key})`;
    }
  }
  return '';
}

/** `tpl` was parsed with agentFunctions(slot): its `secret` calls go wherever the slot points. */
export async function renderTemplate(
  tpl: Template,
  slot: LookupSlot,
  fetcher: SecretFetcher,
  options: { missingKey: MissingKeyMode },
): Promise<RenderResult> {
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const used = new Map<string, Dep>();
    const missing = new Map<string, Dep>();
    const need = (dep: Dep): TemplateValue | null => {
      used.set(dep.key, dep);
      const f = fetcher.recall(dep.key);
      if (f) return f.value;
      missing.set(dep.key, dep);
      return null;
    };
    const lookup: SecretLookup = {
      secret: (path, data) => need(data ? writeDep(path, data) : readDep(path)),
      secrets: (path) => need(listDep(path)) as readonly string[] | null,
    };
    let output: string | undefined;
    let error: unknown;
    slot.current = lookup;
    try {
      output = tpl.execute(null, { missingKey: options.missingKey });
    } catch (e) {
      error = e;
    } finally {
      slot.current = NOTHING_FETCHED;
    }
    if (missing.size > 0) {
      await Promise.all([...missing.values()].map((d) => fetcher.fetch(d)));
      continue;
    }
    const deps = [...used.values()];
    if (error !== undefined) {
      if (error instanceof TemplateError) throw new RenderError(error.message + kvV2Hint(error.message, deps, fetcher), deps);
      throw error;
    }
    return { output: output!, deps };
  }
  throw new RenderError(`still needed new secrets after ${MAX_PASSES} passes (a chain of secrets whose paths come from other secrets is too long)`, []);
}

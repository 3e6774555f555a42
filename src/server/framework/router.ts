// Matches a path relative to a mount against a backend's declared paths and runs the handler.
// The core calls `matchPath`, decides create-vs-update with `resolveOperation`, checks the ACL,
// then calls `invoke`; backends never see any of this.

import { unsupportedOperation } from './errors.js';
import { makeFieldData, validateFields } from './fields.js';
import type { Backend, FieldData, Operation, PathDef, Request, Response } from './types.js';

export interface CompiledPath {
  def: PathDef;
  regex: RegExp;
}

export interface PathMatch {
  def: PathDef;
  captures: Record<string, string>;
}

export function compileBackend(backend: Backend): CompiledPath[] {
  return backend.paths.map((def) => ({ def, regex: new RegExp(`^(?:${def.pattern})$`) }));
}

export function matchPath(paths: CompiledPath[], path: string): PathMatch | null {
  for (const p of paths) {
    const m = p.regex.exec(path);
    if (m) {
      const captures: Record<string, string> = {};
      if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) captures[k] = v;
      return { def: p.def, captures };
    }
  }
  return null;
}

export function fieldsFor(match: PathMatch, data: Record<string, unknown>): FieldData {
  return makeFieldData(match.def.fields ?? {}, { ...data, ...match.captures });
}

/**
 * Writes arrive as 'update'; when the path has an existence check and the target does not exist
 * (and the path handles 'create'), the operation becomes 'create', as in Vault.
 */
export async function resolveOperation(match: PathMatch, req: Request, fields: FieldData): Promise<Operation> {
  if (req.operation !== 'update' && req.operation !== 'create') return req.operation;
  const ops = match.def.operations;
  if (!match.def.existenceCheck) return ops.update ? 'update' : ops.create ? 'create' : 'update';
  const exists = await match.def.existenceCheck(req, fields);
  if (!exists && ops.create) return 'create';
  return 'update';
}

export async function invoke(match: PathMatch, req: Request, fields: FieldData): Promise<Response | null> {
  const ops = match.def.operations;
  const handler = ops[req.operation] ?? (req.operation === 'create' ? ops.update : req.operation === 'update' ? ops.create : undefined);
  if (!handler) throw unsupportedOperation();
  validateFields(match.def.fields ?? {}, fields);
  const res = await handler(req, fields);
  const declared = match.def.fields ?? {};
  if (!match.def.allowUnknownFields) {
    const ignored = Object.keys(fields.raw)
      .filter((k) => !(k in declared))
      .sort();
    if (ignored.length > 0 && req.operation !== 'read' && req.operation !== 'list') {
      const warning = `Endpoint ignored these unrecognized parameters: [${ignored.join(' ')}]`;
      const out = res ?? { data: null };
      out.warnings = [...(out.warnings ?? []), warning];
      return out;
    }
  }
  return res;
}

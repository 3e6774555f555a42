// The help a backend gives about itself from its declared paths, for `GET /v1/<path>?help=1`
// (`coffer path-help`): for a path, the route it matched, its synopsis, its fields and their
// types and its description; for a mount's root, every route with its synopsis. Each comes with a
// small OpenAPI 3 document of the same paths. Shaped after Vault's sdk/framework help templates.

import type { FieldSchema, FieldType, Operation, PathDef } from './types.js';

export interface HelpResponse {
  help: string;
  openapi: OpenApiDocument;
}

export interface OpenApiDocument {
  openapi: '3.0.2';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
}

/** The type names Vault's help prints (FieldType.String()). */
const TYPE_NAMES: Record<FieldType, string> = {
  string: 'string',
  'lowercase-string': 'lowercase string',
  int: 'int',
  bool: 'bool',
  duration: 'duration (sec)',
  strings: 'comma-separated string',
  map: 'map',
  'string-map': 'map',
  raw: 'raw',
};

function openApiSchema(f: FieldSchema): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  switch (f.type) {
    case 'string':
    case 'lowercase-string':
      schema.type = 'string';
      break;
    case 'int':
      schema.type = 'integer';
      break;
    case 'bool':
      schema.type = 'boolean';
      break;
    case 'duration':
      schema.type = 'string';
      schema.format = 'duration';
      break;
    case 'strings':
      schema.type = 'array';
      schema.items = { type: 'string' };
      break;
    case 'map':
    case 'string-map':
      schema.type = 'object';
      break;
    case 'raw':
      break;
  }
  if (f.description) schema.description = f.description.trim();
  if (f.default !== undefined) schema.default = f.default;
  return schema;
}

/** The first sentence of a path's help: its synopsis. */
function synopsis(def: PathDef): string {
  const text = (def.help ?? '').trim().replace(/\s+/g, ' ');
  const m = /^(.*?[.!?])(\s|$)/.exec(text);
  return m ? m[1]! : text;
}

const indent = (n: number, text: string): string =>
  text
    .split('\n')
    .map((l) => (l === '' ? l : ' '.repeat(n) + l))
    .join('\n');

/**
 * The route as an OpenAPI path: named groups become `{name}`, an optional trailing slash is
 * dropped; null when other regular-expression syntax is left (the path cannot be templated).
 */
export function openApiPath(pattern: string): { path: string; params: string[] } | null {
  let out = '';
  const params: string[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const named = /^\(\?<(\w+)>/.exec(pattern.slice(i));
    if (!named) {
      out += pattern[i];
      continue;
    }
    let depth = 0;
    let j = i;
    for (; j < pattern.length; j++) {
      if (pattern[j] === '\\') j++;
      else if (pattern[j] === '(') depth++;
      else if (pattern[j] === ')' && --depth === 0) break;
    }
    params.push(named[1]!);
    out += `{${named[1]}}`;
    i = j;
  }
  out = out.replace(/\/\?$/, '');
  return /[()[\]*+?|\\^$.]/.test(out.replace(/\{\w+\}/g, '')) ? null : { path: out, params };
}

const HTTP_METHODS: Record<Operation, string> = { read: 'get', list: 'get', create: 'post', update: 'post', patch: 'patch', delete: 'delete' };

function pathItem(def: PathDef, params: readonly string[]): Record<string, unknown> {
  const fields = def.fields ?? {};
  const item: Record<string, unknown> = { description: synopsis(def) };
  if (params.length > 0) {
    item.parameters = params.map((p) => ({ name: p, in: 'path', required: true, description: fields[p]?.description?.trim() ?? '', schema: { type: 'string' } }));
  }
  if (def.unauthenticated) item['x-vault-unauthenticated'] = true;
  const body = Object.fromEntries(Object.entries(fields).filter(([k]) => !params.includes(k)).map(([k, f]) => [k, openApiSchema(f)]));
  for (const op of Object.keys(def.operations) as Operation[]) {
    const method = HTTP_METHODS[op];
    if (item[method]) continue;
    const o: Record<string, unknown> = { summary: synopsis(def), responses: { '200': { description: 'OK' } } };
    if (op === 'list') o.parameters = [{ name: 'list', in: 'query', required: true, schema: { type: 'string', enum: ['true'] } }];
    if (method === 'post' || method === 'patch') {
      if (Object.keys(body).length > 0) o.requestBody = { content: { 'application/json': { schema: { type: 'object', properties: body } } } };
    }
    item[method] = o;
  }
  return item;
}

function document(version: string, entries: Array<[string, Record<string, unknown>]>): OpenApiDocument {
  return { openapi: '3.0.2', info: { title: 'Coffer API', version }, paths: Object.fromEntries(entries) };
}

/** Help for one path of a backend mounted at `mountPoint` (e.g. "secret/"); `requestPath` is relative to it. */
export function pathHelp(def: PathDef, requestPath: string, mountPoint: string, version: string): HelpResponse {
  const route = `^${def.pattern}$`;
  const fields = Object.entries(def.fields ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const lines = [`Request:        ${requestPath}`, `Matching Route: ${route}`, '', synopsis(def) || '<no synopsis>', ''];
  if (fields.length > 0) {
    lines.push('## PARAMETERS', '');
    for (const [name, f] of fields) {
      lines.push(indent(4, `${name} (${TYPE_NAMES[f.type]})`), '', indent(8, f.description?.trim() || '<no description>'), '');
    }
  }
  lines.push('## DESCRIPTION', '', (def.help ?? '').trim() || '<no description>', '');
  const oa = openApiPath(def.pattern);
  const entries: Array<[string, Record<string, unknown>]> = oa ? [[`/${mountPoint}${oa.path}`, pathItem(def, oa.params)]] : [[`/${mountPoint}${requestPath}`, pathItem(def, [])]];
  return { help: `\n${lines.join('\n')}`, openapi: document(version, entries) };
}

/** Help for a mount's root: every route it serves, sorted, with its synopsis. */
export function rootHelp(paths: readonly PathDef[], mountType: string, mountPoint: string, version: string): HelpResponse {
  const routes = paths.map((def) => ({ route: `^${def.pattern}$`, def })).sort((a, b) => a.route.localeCompare(b.route));
  const lines = [
    '## DESCRIPTION',
    '',
    `The ${mountType} backend mounted at ${mountPoint}.`,
    '',
    '## PATHS',
    '',
    'The following paths are supported by this backend. To view help for',
    'any of the paths below, use the help command with any route matching',
    'the path pattern. Note that depending on the policy of your auth token,',
    'you may or may not be able to access certain paths.',
    '',
  ];
  for (const { route, def } of routes) lines.push(indent(4, route), indent(8, synopsis(def) || '<no synopsis>'), '');
  const entries: Array<[string, Record<string, unknown>]> = [];
  for (const { def } of routes) {
    const oa = openApiPath(def.pattern);
    if (oa) entries.push([`/${mountPoint}${oa.path}`, pathItem(def, oa.params)]);
  }
  return { help: `\n${lines.join('\n')}`, openapi: document(version, entries) };
}

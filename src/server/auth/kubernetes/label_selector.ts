// bound_service_account_namespace_selector: a Kubernetes LabelSelector (matchLabels and
// matchExpressions with In, NotIn, Exists, DoesNotExist) written as JSON or YAML, parsed strictly so
// a typo (`matchlabels`, operator `in`) is a 400 at role write rather than a silent non-match.

import { parseYamlOrJson, type YamlValue } from './selector_yaml.js';

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelRequirement[];
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
// A label key: optional DNS-subdomain prefix and "/", then a name of up to 63 characters.
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?)$/;

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKey(key: string, where: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if ((slash >= 0 && !PREFIX.test(prefix)) || !NAME.test(name)) throw new Error(`${where}: "${key}" is not a valid label key`);
}

function checkValue(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new Error(`${where}: label values must be strings`);
  if (!VALUE.test(v)) throw new Error(`${where}: "${v}" is not a valid label value`);
  return v;
}

/** Parses and validates a selector; throws an Error whose message says what is wrong. */
export function parseLabelSelector(text: string): LabelSelector {
  if (text.trim() === '') throw new Error('the selector is empty');
  let doc: YamlValue;
  try {
    doc = parseYamlOrJson(text);
  } catch (e) {
    throw new Error(`not valid JSON or YAML: ${(e as Error).message}`);
  }
  if (!isMap(doc)) throw new Error('expected an object with matchLabels and/or matchExpressions');
  const unknown = Object.keys(doc).filter((k) => k !== 'matchLabels' && k !== 'matchExpressions');
  if (unknown.length > 0) throw new Error(`unknown key(s) ${unknown.map((k) => `"${k}"`).join(', ')}: only matchLabels and matchExpressions are allowed`);
  const sel: LabelSelector = { matchLabels: {}, matchExpressions: [] };
  const ml: unknown = doc.matchLabels;
  if (ml !== undefined && ml !== '') {
    if (!isMap(ml)) throw new Error('matchLabels must be a map of label keys to values');
    for (const [k, v] of Object.entries(ml)) {
      checkKey(k, 'matchLabels');
      sel.matchLabels[k] = checkValue(v, `matchLabels["${k}"]`);
    }
  }
  const me: unknown = doc.matchExpressions;
  if (me !== undefined && me !== '') {
    if (!Array.isArray(me)) throw new Error('matchExpressions must be a list');
    me.forEach((x: unknown, i) => {
      const where = `matchExpressions[${i}]`;
      if (!isMap(x)) throw new Error(`${where} must be an object with key, operator and values`);
      const extra = Object.keys(x).filter((k) => !['key', 'operator', 'values'].includes(k));
      if (extra.length > 0) throw new Error(`${where}: unknown key(s) ${extra.map((k) => `"${k}"`).join(', ')}`);
      if (typeof x.key !== 'string' || x.key === '') throw new Error(`${where}: "key" is required`);
      checkKey(x.key, where);
      const op = x.operator;
      if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
        throw new Error(`${where}: operator ${JSON.stringify(op ?? null)} is not one of ${OPERATORS.join(', ')}`);
      }
      const rawValues: unknown = x.values ?? [];
      if (!Array.isArray(rawValues)) throw new Error(`${where}: "values" must be a list`);
      const values = rawValues.map((v: unknown) => checkValue(v, where));
      if ((op === 'In' || op === 'NotIn') && values.length === 0) throw new Error(`${where}: operator ${op} needs at least one value`);
      if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) throw new Error(`${where}: operator ${op} takes no values`);
      sel.matchExpressions.push({ key: x.key, operator: op as LabelRequirement['operator'], values });
    });
  }
  return sel;
}

/** As labels.Selector.Matches: every matchLabels pair and every requirement must hold. */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  for (const r of sel.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

// consul-template's collection helpers: in, contains, containsAll/Any/None/NotAll,
// loop, splitToMap, explodeMap.

import { goTrimSpace, kindOf, sortedKeys, toNumber, type MapValue } from '../value.js';

/** consul-template's in(l, v): element equality by kind (int/int, float/float, string/string), or substring. */
export function inList(l: unknown, v: unknown): boolean {
  const lk = kindOf(l);
  const vk = kindOf(v);
  if (lk === 'slice') {
    for (const e of l as readonly unknown[]) {
      const ek = kindOf(e);
      if ((ek === 'int' || ek === 'float') && ek === vk && toNumber(e) === toNumber(v)) return true;
      if (ek === 'string' && vk === 'string' && e === v) return true;
    }
    return false;
  }
  if (lk === 'string') return vk === 'string' && (l as string).includes(v as string);
  return false;
}

export function containsSome(retTrue: boolean, invert: boolean): (v: readonly unknown[] | null, l: unknown) => boolean {
  return (v, l) => {
    for (const e of v ?? []) if (inList(l, e) !== invert) return !retTrue;
    return retTrue;
  };
}

/** loop(n) or loop(start, stop): the integers in [start, stop). */
export function loop(...args: unknown[]): number[] {
  const to64 = (v: unknown): number => {
    const k = kindOf(v);
    if (k === 'int') return toNumber(v);
    if (k === 'string') {
      const s = v as string;
      if (s === '') return 0;
      if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`parseInt: strconv.ParseInt: parsing "${s}": invalid syntax`);
      return Number(s);
    }
    throw new Error(`loop: bad argument type: ${k === 'float' ? 'float64' : k === 'nil' || k === 'invalid' ? '<nil>' : k}`);
  };
  let start: number;
  let stop: number;
  if (args.length === 1) {
    start = 0;
    stop = to64(args[0]);
  } else if (args.length === 2) {
    start = to64(args[0]);
    stop = to64(args[1]);
  } else {
    throw new Error(`loop: wrong number of arguments, expected 1 or 2, but got ${args.length}`);
  }
  const out: number[] = [];
  for (let i = start; i < stop; i++) out.push(i);
  return out;
}

export function splitToMap(sep1: string, sep2: string, s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const t = goTrimSpace(s);
  if (t === '') return out;
  for (const part of t.split(sep1)) {
    const i = part.indexOf(sep2);
    if (i < 0) continue;
    out[part.slice(0, i)] = part.slice(i + sep2.length);
  }
  return out;
}

/** explodeMap: "a/b" keys become nested maps. */
export function explodeMap(m: MapValue | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m === null) return out;
  for (const key of sortedKeys(m)) {
    let node = out;
    const parts = key.split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i];
      if (!(p in node)) node[p] = {};
      const next = node[p];
      if (kindOf(next) !== 'map') throw new Error(`explodeMap: not a map: "${key}": "${p}" already has value "${String(next)}"`);
      node = next as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    if (last !== '') node[last] = m[key];
  }
  return out;
}

// Identity templating of policy paths (`path "secret/data/{{identity.entity.id}}/*"`), following
// Vault's identitytpl in ACL mode: a directive that can't be filled makes the whole rule drop out.

import { parseDurationSeconds } from '../framework/duration.js';
import type { IdentityAlias, IdentityContext } from './types.js';

export class TemplateSyntaxError extends Error {}

/** True if the string holds `{{...}}` directives; throws TemplateSyntaxError if the braces don't balance. */
export function hasTemplates(input: string): boolean {
  const pieces = input.split('{{');
  if (pieces[0]!.includes('}}')) throw new TemplateSyntaxError('unbalanced templating characters');
  if (pieces.length === 1) return false;
  for (let i = 1; i < pieces.length; i++) {
    if (pieces[i]!.split('}}').length !== 2) throw new TemplateSyntaxError('unbalanced templating characters');
  }
  return true;
}

/** Fills every directive from the identity; null when any can't be filled or yields "*" or "+". */
export function populateTemplate(input: string, identity: IdentityContext): string | null {
  const pieces = input.split('{{');
  let out = pieces[0]!;
  for (let i = 1; i < pieces.length; i++) {
    const [directive, rest] = pieces[i]!.split('}}') as [string, string];
    const value = resolveDirective(directive.trim(), identity);
    if (value === null || /[*+]/.test(value)) return null;
    out += value + rest;
  }
  return out;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function fromMap(map: Readonly<Record<string, string>> | undefined, key: string): string | null {
  if (map === undefined || !Object.hasOwn(map, key)) return null;
  return map[key]!;
}

function resolveDirective(directive: string, identity: IdentityContext): string | null {
  if (directive.startsWith('identity.entity.')) return entityValue(directive.slice('identity.entity.'.length), identity);
  if (directive.startsWith('identity.groups.')) return groupValue(directive.slice('identity.groups.'.length), identity);
  if (directive.startsWith('time.')) return timeValue(directive.slice('time.'.length), identity.now ?? new Date());
  return null;
}

function entityValue(selector: string, identity: IdentityContext): string | null {
  const entity = identity.entity;
  if (entity === undefined) return null;
  if (selector === 'id') return nonEmpty(entity.id);
  if (selector === 'name') return nonEmpty(entity.name);
  if (selector.startsWith('metadata.')) return fromMap(entity.metadata, selector.slice('metadata.'.length));
  if (selector.startsWith('aliases.')) {
    const rest = selector.slice('aliases.'.length);
    const dot = rest.indexOf('.');
    if (dot < 0) return null;
    const alias = entity.aliases?.find((a) => a.mountAccessor === rest.slice(0, dot));
    return alias === undefined ? null : aliasValue(rest.slice(dot + 1), alias);
  }
  // "metadata" alone, "groups.names" and "groups.ids" are maps or lists: not usable in a path.
  return null;
}

function aliasValue(selector: string, alias: IdentityAlias): string | null {
  if (selector === 'id') return nonEmpty(alias.id);
  if (selector === 'name') return nonEmpty(alias.name);
  if (selector.startsWith('metadata.')) return fromMap(alias.metadata, selector.slice('metadata.'.length));
  if (selector.startsWith('custom_metadata.')) return fromMap(alias.customMetadata, selector.slice('custom_metadata.'.length));
  return null;
}

function groupValue(selector: string, identity: IdentityContext): string | null {
  const groups = identity.groups ?? [];
  if (groups.length === 0) return null;
  const [by, rest] = splitOnce(selector);
  if ((by !== 'ids' && by !== 'names') || rest === undefined) return null;
  const [key, attribute] = splitOnce(rest);
  if (attribute === undefined) return null;
  const group = groups.find((g) => (by === 'ids' ? g.id : g.name) === key);
  if (group === undefined) return null;
  if (attribute === 'id') return group.id;
  if (attribute === 'name') return nonEmpty(group.name);
  if (attribute.startsWith('metadata.')) return fromMap(group.metadata, attribute.slice('metadata.'.length));
  return null;
}

function timeValue(selector: string, now: Date): string | null {
  const parts = selector.split('.');
  if (parts[0] !== 'now' || parts.length === 2) return null;
  let seconds = Math.floor(now.getTime() / 1000);
  if (parts.length >= 3) {
    let offset: number;
    try {
      offset = parseDurationSeconds(parts.slice(2).join('.'));
    } catch {
      return null;
    }
    if (parts[1] === 'plus') seconds += offset;
    else if (parts[1] === 'minus') seconds -= offset;
    else return null;
  }
  return String(seconds);
}

function splitOnce(s: string): [string, string | undefined] {
  const dot = s.indexOf('.');
  return dot < 0 ? [s, undefined] : [s.slice(0, dot), s.slice(dot + 1)];
}

// Go's strings package semantics the helpers need: Split, Trim (cutset), Title,
// simple per-rune case mapping, Replace with an empty old string, and consul-template's indent.

import { codePoints } from '../strconv.js';
import { isGoSpace } from '../value.js';

/** strings.Split(s, sep); an empty sep splits into code points. */
export function goSplit(s: string, sep: string): string[] {
  if (sep === '') return [...s];
  return s.split(sep);
}

/** strings.Trim(s, cutset): strips leading and trailing runes that occur in cutset. */
export function goTrim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(codePoints(cutset));
  const cps = codePoints(s);
  let a = 0;
  let b = cps.length;
  while (a < b && set.has(cps[a])) a++;
  while (b > a && set.has(cps[b - 1])) b--;
  return String.fromCodePoint(...cps.slice(a, b));
}

/** strings.Replace(s, old, new, -1). */
export function goReplaceAll(s: string, from: string, to: string): string {
  if (from === '') {
    const cps = [...s];
    return to + cps.join(to) + (cps.length > 0 ? to : '');
  }
  return s.split(from).join(to);
}

/** unicode.ToUpper/ToLower per rune: simple case mapping (no "ß" -> "SS"). */
function mapRunes(s: string, f: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const m = f(ch);
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

export const goToUpper = (s: string): string => mapRunes(s, (c) => c.toUpperCase());
export const goToLower = (s: string): string => mapRunes(s, (c) => c.toLowerCase());

const LETTER_OR_DIGIT = /^[\p{L}\p{Nd}]$/u;

/** strings.Title: upper-cases the first letter of each word (words split at separators). */
export function goTitle(s: string): string {
  const isSeparator = (ch: string): boolean => {
    const r = ch.codePointAt(0) ?? 0;
    if (r <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
    if (LETTER_OR_DIGIT.test(ch)) return false;
    return isGoSpace(r);
  };
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? mapRunes(ch, (c) => c.toUpperCase()) : ch;
    prev = ch;
  }
  return out;
}

const WORD_INTERNAL = new Set(["'", '’', '.', ':', '_', '^', '`']);

/**
 * consul-template's toTitle (golang.org/x/text/cases Title with NoLower), approximated:
 * a letter is upper-cased when it starts a word; apostrophes, dots, colons and
 * underscores between letters do not end a word ("don't" -> "Don't").
 */
export function casesTitle(s: string): string {
  let out = '';
  let inWord = false;
  for (const ch of s) {
    if (LETTER_OR_DIGIT.test(ch) || /^\p{M}$/u.test(ch)) {
      out += inWord ? ch : mapRunes(ch, (c) => c.toUpperCase());
      inWord = true;
    } else {
      out += ch;
      if (!(inWord && WORD_INTERNAL.has(ch))) inWord = false;
    }
  }
  return out;
}

/** consul-template's indent: prefixes every non-empty line with n spaces. */
export function indentLines(spaces: number, s: string): string {
  if (spaces < 0) throw new Error('indent value must be a positive integer');
  const prefix = ' '.repeat(spaces);
  let out = '';
  let sp = true;
  for (const ch of s) {
    if (sp && ch !== '\n') out += prefix;
    out += ch;
    sp = ch === '\n';
  }
  return out;
}

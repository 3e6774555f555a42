// Vault's default password generator for database credentials: 20 characters from letters, digits
// and '-', with at least one lowercase letter, one uppercase letter, one digit and one dash.
// Coffer has no sys/policies/password yet, so a named password_policy is refused (see passwordPolicyError).

import { randomInt } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALL = `${LOWER}${UPPER}${DIGITS}-`;
const LENGTH = 20;

export function generatePassword(): string {
  const chars = [LOWER, UPPER, DIGITS, '-'].map((set) => set[randomInt(set.length)]!);
  while (chars.length < LENGTH) chars.push(ALL[randomInt(ALL.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** The message for a password_policy Coffer cannot honour, or null when the default generator applies. */
export function passwordPolicyError(policy: string): string | null {
  if (policy === '') return null;
  return `password_policy "${policy}" cannot be used: Coffer has no password policies (sys/policies/password) yet; omit password_policy to use the default generator (20 characters: letters, digits and '-')`;
}

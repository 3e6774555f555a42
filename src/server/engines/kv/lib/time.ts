// Timestamps as Vault prints them: Go's time.RFC3339Nano in UTC (trailing zeros of the fraction dropped),
// from the injectable clock's milliseconds. An unset time is "".

export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-01T00:00:00.120Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  return frac === '' ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 19)}.${frac}Z`;
}

/**
 * Whether a stored time string ("" = unset) has been reached. Vault tests t.Before(time.Now()) with
 * nanosecond clocks; with millisecond clocks a delete and a read in the same millisecond must still
 * see the delete, so the boundary counts as reached.
 */
export function isReached(time: string, nowMs: number): boolean {
  return time !== '' && Date.parse(time) <= nowMs;
}

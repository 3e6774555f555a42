// Shared settings for the fuzz tests: how many runs each property does (fixed per `npm test`,
// scaled up by hand with COFFER_FUZZ_RUNS=<n>) and an optional COFFER_FUZZ_SEED to replay a failure.
// fast-check's failure message already names the seed and the shrunk path; `fuzzParams` adds the
// replay command line so the report can be pasted straight into a shell.

import fc from 'fast-check';

/** Runs for a property: its default, or COFFER_FUZZ_RUNS when set (a positive integer). */
export function fuzzRuns(defaultRuns: number): number {
  const raw = process.env.COFFER_FUZZ_RUNS;
  if (raw === undefined || raw === '') return defaultRuns;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`COFFER_FUZZ_RUNS must be a positive integer, not "${raw}"`);
  return n;
}

/** fast-check parameters: fixed run count, replayable seed, and a failure message that says how to replay. */
export function fuzzParams<T>(defaultRuns: number): fc.Parameters<T> {
  const seedRaw = process.env.COFFER_FUZZ_SEED;
  const seed = seedRaw === undefined || seedRaw === '' ? undefined : Number(seedRaw);
  const params: fc.Parameters<T> = { numRuns: fuzzRuns(defaultRuns), endOnFailure: false };
  if (seed !== undefined) {
    if (!Number.isInteger(seed)) throw new Error(`COFFER_FUZZ_SEED must be an integer, not "${seedRaw}"`);
    params.seed = seed;
    const path = process.env.COFFER_FUZZ_PATH;
    if (path !== undefined && path !== '') params.path = path;
  }
  return params;
}

/** fc.assert, with the replay instructions appended to the failure message (seed and path included). */
export function check<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, defaultRuns: number): void {
  const details = fc.check(property, fuzzParams<Ts>(defaultRuns));
  if (!details.failed) return;
  const base = fc.defaultReportMessage(details) ?? 'property failed';
  throw failure(base, details);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RunDetails of any property
function failure(base: string, details: fc.RunDetails<any>): Error {
  const cause = details.errorInstance;
  const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new Error(
    `${base}\nGot: ${why.slice(0, 2000)}` +
      `\nReplay: COFFER_FUZZ_SEED=${details.seed} COFFER_FUZZ_PATH='${details.counterexamplePath ?? ''}' node --test <this test file>`,
  );
}

/** Async variant of `check` for properties that talk to a server. */
export async function checkAsync<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<Ts>, defaultRuns: number): Promise<void> {
  const details = await fc.check(property, fuzzParams<Ts>(defaultRuns));
  if (!details.failed) return;
  const base = (await fc.asyncDefaultReportMessage(details)) ?? 'property failed';
  throw failure(base, details);
}

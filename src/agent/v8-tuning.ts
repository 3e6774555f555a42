// V8 settings for the agent, set from inside the process (v8.setFlagsFromString) before the
// agent's code loads, so a pod needs no NODE_OPTIONS. The agent is a small process that is idle
// almost all the time; V8's defaults are tuned for throughput, and in a sidecar they cost memory:
//  --no-opt, --no-maglev: no optimizing compiler. It had ~3.5 MB of its machine code paged in,
//    plus compile buffers on the worker threads at each tier-up, to speed up code that runs a
//    few milliseconds a second (the interpreter and Sparkplug still run it). CPU was unchanged.
//  --semi-space-growth-factor=1: the young generation keeps its initial size instead of
//    doubling (to 8 MB) when start-up keeps many objects alive.
//  --optimize-for-size: the old generation's next GC limit is set a little above what is live
//    (growth step 2 MB instead of 8 MB), so garbage that outlived young GCs is collected before
//    it adds up to megabytes of resident memory.
// All three are read by V8 when it decides (to optimize, to grow, to set a limit), so they work
// when set at run time. COFFER_AGENT_V8_TUNING=off keeps V8's defaults (e.g. to tune with
// NODE_OPTIONS instead).

import { setFlagsFromString } from 'node:v8';

export const AGENT_V8_FLAGS: readonly string[] = ['--no-opt', '--no-maglev', '--semi-space-growth-factor=1', '--optimize-for-size'];

/** Applies AGENT_V8_FLAGS unless `COFFER_AGENT_V8_TUNING=off`; returns whether it did. */
export function tuneV8ForAgent(env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.COFFER_AGENT_V8_TUNING?.toLowerCase() === 'off') return false;
  for (const flag of AGENT_V8_FLAGS) setFlagsFromString(flag);
  return true;
}

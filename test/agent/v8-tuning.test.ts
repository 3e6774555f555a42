// The agent's V8 settings (src/agent/v8-tuning.ts): every flag is one this Node's V8 knows (an
// unknown one is not an exception: V8 prints "Error: unrecognized flag" to stdout, which a Node
// upgrade must not slip into every agent's output), the optimizing compiler is off once they are
// set, and COFFER_AGENT_V8_TUNING=off leaves V8 alone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

const tuning = pathToFileURL(resolve(import.meta.dirname, '../../src/agent/v8-tuning.js')).href;

function run(code: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

// A hot function, then whether V8 may optimize it (bit 1 of %GetOptimizationStatus: never).
const PROBE = `
function hot(x) { return x * 2 + 1; }
let s = 0;
for (let i = 0; i < 2e6; i++) s += hot(i);
process.stdout.write(JSON.stringify({ applied, neverOptimize: (%GetOptimizationStatus(hot) & 2) !== 0 }));
`;

test('the flags are known to this V8, and they turn the optimizing compiler off', () => {
  const r = run(`import { tuneV8ForAgent } from ${JSON.stringify(tuning)};\nconst applied = tuneV8ForAgent({});\n${PROBE}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(JSON.parse(r.stdout), { applied: true, neverOptimize: true });
});

test('COFFER_AGENT_V8_TUNING=off keeps V8 defaults', () => {
  const r = run(`import { tuneV8ForAgent } from ${JSON.stringify(tuning)};\nconst applied = tuneV8ForAgent({ COFFER_AGENT_V8_TUNING: 'off' });\n${PROBE}`);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { applied: false, neverOptimize: false });
});

// Kill test shared by the sqlite and postgresql suites: a child process writes keys and
// reports each acknowledgement; after SIGKILL every acknowledged key must be readable.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStorage } from '../../../src/server/storage/factory.js';

export function durabilityValue(i: number): Buffer {
  return Buffer.from(`value ${i} `.repeat(50));
}

/** Runs the child until it has acknowledged `acks` puts, kills it, and returns the acknowledged indexes. */
async function writeThenKill(type: string, config: Record<string, string>, acks: number): Promise<number[]> {
  const script = fileURLToPath(new URL('./durability_child.js', import.meta.url));
  const child = spawn(process.execPath, [script, type, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acknowledged: number[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (/^\d+$/.test(line)) acknowledged.push(Number(line));
    }
    if (acknowledged.length >= acks && child.exitCode === null) child.kill('SIGKILL');
  });
  // A child that never gets going is killed too; the ack count assertion then explains it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (_code, sig) => resolve(sig));
  });
  clearTimeout(guard);
  assert.equal(signal, 'SIGKILL', `child should have been killed mid-stream; stderr: ${stderr}`);
  return acknowledged;
}

export async function assertAcknowledgedWritesSurviveKill(
  type: string,
  config: Record<string, string>,
  acks = 300,
): Promise<void> {
  const acknowledged = await writeThenKill(type, config, acks);
  assert.ok(acknowledged.length >= acks, `only ${acknowledged.length} acknowledgements`);
  const storage = await createStorage(type, config);
  try {
    for (const i of acknowledged) {
      const value = await storage.get(`dur/${i}`);
      assert.ok(value !== null && value.equals(durabilityValue(i)), `acknowledged key dur/${i} lost after SIGKILL`);
    }
    const listed = await storage.list('dur/');
    assert.ok(listed.length >= acknowledged.length);
  } finally {
    await storage.close();
  }
}

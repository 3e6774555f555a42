// Child process for the kill tests: opens a storage from argv (type, JSON config) and puts
// dur/<i> forever, printing "<i>\n" only after each put has resolved. The parent SIGKILLs it.

import fs from 'node:fs';
import { createStorage } from '../../../src/server/storage/factory.js';
import { durabilityValue } from './durability.js';

const [type, configJson] = process.argv.slice(2);
if (type !== undefined && configJson !== undefined) {
  const storage = await createStorage(type, JSON.parse(configJson) as Record<string, string>);
  fs.writeSync(1, 'ready\n');
  for (let i = 0; i < 1_000_000; i++) {
    await storage.put(`dur/${i}`, durabilityValue(i));
    fs.writeSync(1, `${i}\n`); // synchronous: what the parent reads was acknowledged
  }
  await storage.close();
}

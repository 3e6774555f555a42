// Runs the conformance suite against the in-memory backend.

import { runConformance } from './conformance.js';
import { createMemoryStorage } from '../../../src/server/storage/memory.js';

runConformance('memory', async () => createMemoryStorage());

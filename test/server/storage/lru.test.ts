// The LRU behind the barrier and read caches: random sequences of get/set/delete/clear against a
// plain array model of "least recently used first", at small capacities where eviction is frequent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLru } from '../../../src/server/storage/lru.js';

type Op = { op: 'get' | 'delete'; key: string } | { op: 'set'; key: string; value: number | null } | { op: 'clear' };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key }),
  fc.record({ op: fc.constant('delete' as const), key }),
  fc.record({ op: fc.constant('set' as const), key, value: fc.option(fc.integer(), { nil: null }) }),
  fc.constant({ op: 'clear' as const }),
);

test('behaves like an array model of least-recently-used order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 60 }), (capacity, ops) => {
      const lru = createLru<number | null>(capacity);
      let model: [string, number | null][] = [];
      for (const o of ops) {
        const at = o.op === 'clear' ? -1 : model.findIndex(([k]) => k === o.key);
        if (o.op === 'get') {
          const got = lru.get(o.key);
          if (at < 0) assert.deepEqual(got, { hit: false });
          else {
            const [entry] = model.splice(at, 1);
            model.push(entry!);
            assert.deepEqual(got, { hit: true, value: entry![1] });
          }
        } else if (o.op === 'set') {
          lru.set(o.key, o.value);
          if (at >= 0) model.splice(at, 1);
          model.push([o.key, o.value]);
          if (model.length > capacity) model.shift();
        } else if (o.op === 'delete') {
          lru.delete(o.key);
          if (at >= 0) model.splice(at, 1);
        } else {
          lru.clear();
          model = [];
        }
        assert.equal(lru.size, model.length);
      }
      // Every key the model holds is a hit with its value; every other key is a miss.
      for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) {
        const m = model.find(([mk]) => mk === k);
        const got = lru.get(k);
        assert.deepEqual(got, m ? { hit: true, value: m[1] } : { hit: false });
      }
    }),
    { numRuns: 300 },
  );
});

test('rejects a capacity that is not a positive integer', () => {
  assert.throws(() => createLru(0), /positive integer/);
  assert.throws(() => createLru(2.5), /positive integer/);
});

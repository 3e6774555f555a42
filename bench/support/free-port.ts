// A free TCP port on 127.0.0.1 for a benchmark's server (benchmarks only ever listen on loopback).

import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

// `coffer server` stops at once on SIGTERM or SIGINT, even with a request in flight whose client
// stops sending halfway through its body (such a client would hold a graceful close open for
// ever). No time is measured: a server that kept waiting would outlive the test's timeout. Each
// test checks the exit code, the shutdown line, that the stalled connection was closed and that
// nothing listens on the port any more.

import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';

const TEST_TIMEOUT = 30_000;
const ROOT = 'shutdown-root';

/** Sends a PUT's head with `Expect: 100-continue` and half its body; resolves once the server answered 100 (the request is in its handler). */
async function stalledPut(addr: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const url = new URL(addr);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (c: Buffer) => {
      seen += c.toString();
      if (seen.includes('100 Continue')) resolve();
    });
    socket.once('close', () => reject(new Error(`closed before 100 Continue: ${seen}`)));
    socket.write(`PUT /v1/secret/data/stalled HTTP/1.1\r\nHost: ${url.host}\r\nX-Vault-Token: ${ROOT}\r\nContent-Type: application/json\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n`);
  });
  socket.write('{"data": {"half": ');
  return { socket, closed };
}

describe('server: a signal stops it at once, a request in flight or not', () => {
  const servers: DevServer[] = [];
  after(() => {
    for (const s of servers) s.proc.kill('SIGKILL');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} with a request whose body never finishes arriving`, { timeout: TEST_TIMEOUT }, async () => {
      const srv = await startDevServer(ROOT);
      servers.push(srv);
      // It serves requests before the signal.
      assert.equal((await api(srv.addr, 'GET', 'sys/health')).status, 200);
      const stalled = await stalledPut(srv.addr);
      const code = await srv.stop(signal);
      assert.equal(code, 0, srv.output());
      assert.match(srv.output(), /==> Coffer shutdown triggered/);
      await stalled.closed;
      await assert.rejects(api(srv.addr, 'GET', 'sys/health'), /ECONNREFUSED/);
    });
  }
});

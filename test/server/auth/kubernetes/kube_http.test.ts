// KubeHttp's keep-alive pool when the API server has dropped pooled connections (an idle timeout
// racing the next request): every pooled socket the request lands on is closed by the server, and
// the call still succeeds on a new connection instead of failing with an internal error.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import https from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import { KubeHttp } from '../../../../src/server/auth/kubernetes/kube_http.js';
import type { KubeTarget } from '../../../../src/server/auth/kubernetes/types.js';
import { makeTestPki } from '../../../support/tls.js';

test('a request whose pooled connections were all dropped by the server succeeds on a new one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-kubehttp-'));
  const pki = makeTestPki(dir);
  // Answers the first request on each connection; a later request on the same connection finds it
  // closed, as when the server's idle timeout fired just as the request was sent.
  const served = new WeakSet<Socket>();
  let connections = 0;
  const server = https.createServer({ key: readFileSync(pki.keyFile), cert: readFileSync(pki.certFile) }, (req, res) => {
    if (served.has(req.socket)) {
      req.socket.destroy();
      return;
    }
    served.add(req.socket);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const http = new KubeHttp();
  const target: KubeTarget = {
    baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: pki.ca,
    caSource: 'kubernetes_ca_cert',
    bearer: 'reviewer',
    bearerSource: 'token_reviewer_jwt',
    timeoutMs: 5000,
    mountPoint: 'auth/kubernetes/',
  };
  try {
    // Three requests at once leave three connections in the pool, each already used once.
    const first = await Promise.all([1, 2, 3].map(() => http.request(target, 'GET', '/api')));
    assert.deepEqual(first.map((r) => r.status), [200, 200, 200]);
    assert.equal(connections, 3);
    const r = await http.request(target, 'GET', '/api');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { ok: true });
  } finally {
    http.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
});

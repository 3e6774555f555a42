// Child process for the LIST-listener benchmark: serves one trivial JSON handler either with plain
// node:http or through Coffer's listener, on 127.0.0.1. Over IPC it reports its port, and on
// 'mark' messages the CPU time it used since the previous mark (robust on a shared machine).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createListener } from '../../src/server/http/listener.js';

export type ServerKind = 'plain' | 'listener';

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const body = `{"method":"${req.method}","data":{"keys":["a","b","c/"]}}`;
  res.writeHead(req.method === 'GET' || req.method === 'LIST' ? 200 : 405, { 'Content-Type': 'application/json' });
  res.end(body);
}

async function start(kind: ServerKind): Promise<number> {
  if (kind === 'plain') {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
  const listener = createListener({ handler });
  return (await listener.listen(0, '127.0.0.1')).port;
}

const kind = process.argv[2];
if (kind !== 'plain' && kind !== 'listener') throw new Error('usage: server.js plain|listener');
const port = await start(kind);
process.send?.({ port });
let since = process.cpuUsage();
process.on('message', (message: unknown) => {
  if (message !== 'mark') return;
  const used = process.cpuUsage(since);
  since = process.cpuUsage();
  process.send?.({ cpuMicros: used.user + used.system });
});
// The parent kills this process; exit on our own if it disappears.
process.on('disconnect', () => process.exit(0));

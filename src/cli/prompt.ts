// Reading one secret line (an unseal key, a token, a password): a hidden prompt on a terminal,
// otherwise the first line of stdin (a pipe or a heredoc), as Vault's password reader does.

import type { Context } from './base.js';

export async function readLine(c: Context, prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY !== true) return (await c.stdin()).split(/\r?\n/)[0] ?? '';
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      const onData = (b: Buffer): void => {
        for (const ch of b.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            resolve(line);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new Error('interrupted'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
          else line += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

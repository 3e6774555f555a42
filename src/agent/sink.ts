// File sinks: write the auto-auth token (or, with wrap_ttl, the JSON wrap info of a response-
// wrapped copy) atomically with the sink's mode (0640 unless set). A failed write is retried
// three times (a stopping agent stops waiting to retry); after that the error goes up (the agent
// cannot deliver its token).

import type { Client, WrapInfo } from '../client/index.js';
import { atomicWrite } from './atomic-write.js';
import type { SinkConfig } from './config/index.js';
import type { Logger } from './log.js';
import { wait } from './wait.js';

export class FileSink {
  constructor(
    private readonly cfg: SinkConfig,
    private readonly client: Client,
    private readonly log: Logger,
    /** Aborted when the agent stops. */
    private readonly signal: AbortSignal = new AbortController().signal,
  ) {}

  get path(): string {
    return this.cfg.path;
  }

  /** Writes a token; a sink with wrap_ttl wraps it first (sys/wrapping/wrap) and writes the wrap info. */
  async writeToken(token: string): Promise<void> {
    if (this.cfg.wrapTtlSec === undefined) return this.writeText(token);
    const res = await this.client.request('POST', 'sys/wrapping/wrap', { body: { token }, token, wrapTtl: `${this.cfg.wrapTtlSec}s` });
    if (!res?.wrap_info) throw new Error(`sink ${this.cfg.path}: the server did not wrap the token`);
    return this.writeWrapped(res.wrap_info);
  }

  /** Writes wrap info as JSON (method-level wrapping, or a wrapping sink). */
  async writeWrapped(info: WrapInfo): Promise<void> {
    return this.writeText(JSON.stringify(info));
  }

  private async writeText(text: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await atomicWrite(this.cfg.path, text, { mode: this.cfg.mode, uid: this.cfg.uid, gid: this.cfg.gid, createDirs: true });
        this.log.info('token written', { path: this.cfg.path });
        return;
      } catch (e) {
        const msg = `cannot write the token to ${this.cfg.path} (${this.cfg.where}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
        if (attempt >= 3 || this.signal.aborted) throw new Error(msg, { cause: e });
        this.log.warn(msg, { retry_in: `${250 * 2 ** attempt}ms` });
        await wait(250 * 2 ** attempt, this.signal);
        if (this.signal.aborted) throw new Error(`${msg}; the agent is stopping`, { cause: e });
      }
    }
  }
}

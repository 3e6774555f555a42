// The audit broker: the core's one door to audit devices. It keeps the device table (persisted in
// the barrier with each device's salt), fans every request/response line out to all devices, and
// applies Vault's rule: with devices enabled, a line that no device could record fails the request.

import { randomUUID } from 'node:crypto';
import type { CoreRequest, CoreResponse } from '../core/types.js';
import { badRequest, CofferError, internalError } from '../framework/errors.js';
import { getJson, putJson } from '../framework/json-storage.js';
import type { Clock, Logger, StorageView } from '../framework/types.js';
import type { TokenEntry } from '../token/types.js';
import { createDevice, type Device } from './device.js';
import { checkType, normalizeOptions, parseDeviceOptions } from './options.js';
import { deleteSalt, hmacHasher, loadOrCreateSalt } from './salt.js';
import { createSerial } from './serial.js';
import { createSink, type Sink } from './sink.js';
import type { AuditDeviceListing, AuditDeviceRecord, AuditMeta } from './types.js';

const TABLE_KEY = 'config';

export interface EnableParams {
  type: string;
  description?: string;
  options?: Record<string, string>;
  local?: boolean;
}

/** "file", "/file/" -> "file/" (sys/audit paths always end with a slash). */
export function normalizeAuditPath(path: string): string {
  const p = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return p === '' ? '' : `${p}/`;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** A stored device that can't run (e.g. unreadable salt): every write fails, so the server fails closed. */
function brokenDevice(record: AuditDeviceRecord, why: string): Device {
  const fail = async (): Promise<void> => {
    throw new Error(`audit device "${record.path}" is not usable: ${why}`);
  };
  const sink: Sink = { name: record.path, write: fail, open: fail, reopen: fail, close: async () => undefined };
  return {
    record,
    config: { target: { kind: 'discard' }, hmacAccessor: true, logRaw: false, elideListResponses: false, prefix: '' },
    sink,
    hash: () => {
      throw internalError(`audit device "${record.path}" is not usable: ${why}`);
    },
    logRequest: fail,
    logResponse: fail,
  };
}

export class AuditBroker {
  private records: AuditDeviceRecord[] = [];
  private devices = new Map<string, Device>();
  /** enable/disable/setup/teardown run one at a time. */
  private readonly serial = createSerial();

  constructor(
    private readonly storage: StorageView,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  get enabledCount(): number {
    return this.devices.size;
  }

  /** After unseal: loads the device table and opens every device's file. Never throws for one bad device. */
  setup(): Promise<void> {
    return this.serial(async () => {
      await this.closeAll();
      const table = (await getJson<AuditDeviceRecord[]>(this.storage, TABLE_KEY)) ?? [];
      for (const record of table) {
        const device = await this.instantiate(record, false).catch((e: unknown) => {
          this.logger.error({ audit_device: record.path, err: message(e) }, 'audit device could not be set up; requests fail until it is fixed or disabled');
          return brokenDevice(record, message(e));
        });
        this.records.push(record);
        this.devices.set(record.path, device);
      }
      if (table.length > 0) this.logger.info({ devices: table.map((r) => r.path) }, 'audit devices enabled');
    });
  }

  /** On seal or shutdown: flushes and closes every device and forgets them. */
  teardown(): Promise<void> {
    return this.serial(() => this.closeAll());
  }

  enable(path: string, p: EnableParams): Promise<void> {
    return this.serial(async () => {
      const key = normalizeAuditPath(path);
      if (key === '') throw badRequest('audit device path must not be empty');
      const clash = this.records.find((r) => r.path.startsWith(key) || key.startsWith(r.path));
      if (clash) throw badRequest(`path "${key}" is already in use: an audit device is enabled at "${clash.path}"`);
      checkType(p.type);
      const record: AuditDeviceRecord = {
        path: key,
        type: p.type,
        description: p.description ?? '',
        options: normalizeOptions(p.options),
        local: p.local ?? false,
        uuid: randomUUID(),
      };
      parseDeviceOptions(record.options); // 400 before anything is stored
      let device: Device;
      try {
        device = await this.instantiate(record, true);
      } catch (e) {
        await deleteSalt(this.storage, record.uuid).catch(() => undefined);
        throw e instanceof CofferError ? e : badRequest(message(e));
      }
      try {
        await putJson(this.storage, TABLE_KEY, [...this.records, record]);
      } catch (e) {
        await device.sink.close().catch(() => undefined);
        await deleteSalt(this.storage, record.uuid).catch(() => undefined);
        throw e;
      }
      this.records.push(record);
      this.devices.set(key, device);
      this.logger.info({ path: key, type: record.type }, 'enabled audit backend');
    });
  }

  /** Removes a device; disabling a path with no device does nothing (as in Vault). */
  disable(path: string): Promise<void> {
    return this.serial(async () => {
      const key = normalizeAuditPath(path);
      const record = this.records.find((r) => r.path === key);
      if (!record) return;
      const rest = this.records.filter((r) => r !== record);
      await putJson(this.storage, TABLE_KEY, rest);
      this.records = rest;
      const device = this.devices.get(key);
      this.devices.delete(key);
      await device?.sink.close().catch((e: unknown) => this.logger.warn({ audit_device: key, err: message(e) }, 'closing audit device failed'));
      await deleteSalt(this.storage, record.uuid).catch(() => undefined);
      this.logger.info({ path: key }, 'disabled audit backend');
    });
  }

  list(): Record<string, AuditDeviceListing> {
    const out: Record<string, AuditDeviceListing> = {};
    for (const r of this.records) {
      out[r.path] = { type: r.type, description: r.description, options: { ...r.options }, local: r.local, path: r.path };
    }
    return out;
  }

  /** sys/audit-hash: the HMAC this device writes for `input`. */
  hash(path: string, input: string): string {
    const device = this.devices.get(normalizeAuditPath(path));
    if (!device) throw badRequest(`no audit device is enabled at "${normalizeAuditPath(path) || path}"`);
    return device.hash(input);
  }

  logRequest(req: CoreRequest, token: TokenEntry | null, error: string | null, meta: AuditMeta = {}): Promise<void> {
    if (this.devices.size === 0) return Promise.resolve();
    const time = new Date(this.clock.now()).toISOString();
    return this.fanOut('request', req, (d) => d.logRequest(time, req, token, error, meta));
  }

  logResponse(
    req: CoreRequest,
    token: TokenEntry | null,
    resp: CoreResponse | null,
    error: string | null,
    meta: AuditMeta = {},
  ): Promise<void> {
    if (this.devices.size === 0) return Promise.resolve();
    const time = new Date(this.clock.now()).toISOString();
    return this.fanOut('response', req, (d) => d.logResponse(time, req, token, resp, error, meta));
  }

  /** SIGHUP: close and reopen every device's file (after log rotation). Failures are logged, not thrown. */
  async reopen(): Promise<void> {
    await Promise.all(
      [...this.devices.values()].map((d) =>
        d.sink.reopen().catch((e: unknown) => this.logger.error({ audit_device: d.record.path, err: message(e) }, 'reopening audit device failed')),
      ),
    );
  }

  private async fanOut(kind: string, req: CoreRequest, write: (d: Device) => Promise<void>): Promise<void> {
    const devices = [...this.devices.values()];
    const results = await Promise.allSettled(devices.map(async (d) => write(d)));
    let ok = 0;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') ok++;
      else this.logger.error({ audit_device: devices[i]!.record.path, request_id: req.requestId, err: message(r.reason) }, `audit device failed to log ${kind}`);
    });
    if (ok === 0 && devices.length > 0) throw internalError(`no audit device could record the ${kind}; the request was refused`);
  }

  /**
   * Builds a device and opens its file. enable() requires the open to succeed; setup() only logs a
   * failure, since every write retries the open (the file may come back, e.g. a volume remounted).
   */
  private async instantiate(record: AuditDeviceRecord, mustOpen: boolean): Promise<Device> {
    const config = parseDeviceOptions(record.options);
    const salt = await loadOrCreateSalt(this.storage, record.uuid);
    const sink = createSink(config.target);
    try {
      await sink.open();
    } catch (e) {
      if (mustOpen) throw e;
      this.logger.error({ audit_device: record.path, err: message(e) }, 'audit device could not open its file; will retry on every write');
    }
    return createDevice(record, config, hmacHasher(salt), sink);
  }

  private async closeAll(): Promise<void> {
    const devices = [...this.devices.values()];
    this.devices = new Map();
    this.records = [];
    await Promise.all(
      devices.map((d) => d.sink.close().catch((e: unknown) => this.logger.warn({ audit_device: d.record.path, err: message(e) }, 'closing audit device failed'))),
    );
  }
}

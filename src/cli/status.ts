// `coffer status`: the seal status table Vault's CLI prints, shared with `operator unseal`.
// Exit codes as Vault documents them for status: 0 unsealed, 2 sealed, 1 error (also when the
// server cannot be reached).

import { expectArgs, Exit, type CommandSpec, type Context } from './base.js';
import type { Json, JsonObject } from './http.js';
import { formatJson, formatYaml, tableOutput } from './output.js';

/** GET sys/seal-status plus sys/leader's HA fields, as one object (Vault's SealStatusOutput). */
export async function sealStatus(c: Context, what: string): Promise<JsonObject> {
  const r = await c.remote(what, () => c.client().requestBare('GET', 'sys/seal-status'));
  const status: JsonObject = { ...r };
  let leader: JsonObject = { ha_enabled: false };
  if (status.sealed === true) leader = { ha_enabled: false };
  else {
    leader = await c.remote(what, () => c.client().requestBare('GET', 'sys/leader'));
  }
  status.ha_enabled = leader.ha_enabled === true;
  if (leader.ha_enabled === true) {
    for (const k of ['is_self', 'active_time', 'leader_address', 'leader_cluster_address', 'performance_standby', 'performance_standby_last_remote_wal'] as const) {
      const v: Json | undefined = leader[k];
      if (v !== undefined && v !== '' && v !== false && v !== 0) status[k] = v;
    }
  }
  return status;
}

const s = (v: Json | undefined): string => (v === undefined || v === null ? '' : String(v));

export function sealStatusTable(st: JsonObject): string {
  const prefix = st.recovery_seal === true ? 'Recovery ' : '';
  const rows: string[][] = [
    ['Key', 'Value'],
    [`${prefix}Seal Type`, s(st.type)],
    ['Initialized', s(st.initialized)],
    ['Sealed', s(st.sealed)],
    [`Total ${prefix}Shares`, s(st.n)],
    ['Threshold', s(st.t)],
  ];
  if (st.sealed === true) {
    rows.push(['Unseal Progress', `${s(st.progress)}/${s(st.t)}`]);
    rows.push(['Unseal Nonce', s(st.nonce)]);
  }
  if (st.migration === true) rows.push(['Seal Migration in Progress', 'true']);
  rows.push(['Version', s(st.version)], ['Build Date', s(st.build_date)], ['Storage Type', s(st.storage_type)]);
  if (st.cluster_name && st.cluster_id) rows.push(['Cluster Name', s(st.cluster_name)], ['Cluster ID', s(st.cluster_id)]);
  rows.push(['HA Enabled', s(st.ha_enabled)]);
  if (st.ha_enabled === true && st.sealed !== true) {
    rows.push(['HA Cluster', s(st.leader_cluster_address)]);
    rows.push(['HA Mode', st.is_self === true ? 'active' : 'standby']);
    if (st.is_self === true && st.active_time) rows.push(['Active Since', s(st.active_time)]);
    if (st.is_self !== true) rows.push(['Active Node Address', s(st.leader_address) || '<none>']);
  }
  if (Array.isArray(st.warnings) && st.warnings.length > 0) rows.push(['Warnings', `[${st.warnings.map(String).join(' ')}]`]);
  return tableOutput(rows);
}

export function printSealStatus(c: Context, st: JsonObject): void {
  if (c.format === 'json') c.ui.out(formatJson(st));
  else if (c.format === 'yaml') c.ui.out(formatYaml(st));
  else c.ui.out(sealStatusTable(st));
}

export const statusCommand: CommandSpec = {
  name: 'status',
  synopsis: 'Print seal and HA status',
  args: '[options]',
  help: `
  Prints the current state of Coffer including whether it is sealed and if HA
  mode is enabled. This command prints regardless of whether the server is
  sealed.

  The exit code reflects the seal status:

      - 0 - unsealed
      - 1 - error
      - 2 - sealed

      $ coffer status`,
  async run(c) {
    expectArgs(c.args, 0);
    let st: JsonObject;
    try {
      st = await sealStatus(c, 'Error checking seal status');
    } catch (e) {
      // Vault's status: any error is exit 1 (2 means "sealed").
      if (e instanceof Exit) throw new Exit(1, e.message);
      throw e;
    }
    printSealStatus(c, st);
    return st.sealed === true ? 2 : 0;
  },
};

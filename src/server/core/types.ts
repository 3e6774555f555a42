// What flows between the HTTP layer and the core: a transport-neutral request and the pieces of
// Vault's response envelope the core decides.

import type { Operation, RawResponse } from '../framework/types.js';

export interface CoreRequest {
  operation: Operation;
  path: string;
  data: Record<string, unknown>;
  clientToken?: string;
  remoteAddr: string;
  headers: Record<string, string>;
  /** seconds; set from X-Vault-Wrap-TTL */
  wrapTtl?: number;
  requestId: string;
}

export interface AuthOut {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: 'service';
  orphan: boolean;
  mfa_requirement: null;
  num_uses: number;
}

export type { WrapInfo } from '../framework/types.js';
import type { WrapInfo } from '../framework/types.js';

export interface CoreResponse {
  status: number;
  data: Record<string, unknown> | null;
  leaseId: string;
  leaseDuration: number;
  renewable: boolean;
  auth: AuthOut | null;
  wrapInfo: WrapInfo | null;
  warnings: string[] | null;
  mountType: string;
  raw?: RawResponse;
  topLevelData?: boolean;
  bareBody?: boolean;
}

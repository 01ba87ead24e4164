import type { KubeObject } from '../sources/eks/kube-client.js';
import type { SsmParameterRecord } from '../sources/ssm/ssm-observations.js';

/** Version tag of {@link LiveState}; bump on any incompatible change. */
export const LIVE_STATE_SCHEMA = 'drift-audit.live-state/1';

/**
 * The raw records of one live read, by source id. Kept between scheduled runs so the next SSM read is
 * incremental (once redacted by `redactLiveState`: no Kubernetes objects, no value of a secret key),
 * and written out by `drift-audit snapshot` (redacted by its writer). SecureString records never hold
 * a value.
 */
export interface LiveState {
  readonly schema: typeof LIVE_STATE_SCHEMA;
  /** ISO 8601. */
  readonly takenAt: string;
  /** Records of each SSM source that was read successfully. */
  readonly ssm: Readonly<Record<string, readonly SsmParameterRecord[]>>;
  /** Workloads and ConfigMaps of each EKS source that was read successfully. */
  readonly kubernetes: Readonly<Record<string, readonly KubeObject[]>>;
  /** Any other kind's part (`LiveReader.statePart`), by source id. */
  readonly [part: string]: unknown;
}

/**
 * Reads a stored live state; anything else (a missing object, an older schema, garbage) gives
 * undefined, which only costs a full read instead of an incremental one.
 */
export function parseLiveState(text: string | undefined): LiveState | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<LiveState>;
    if (parsed.schema !== LIVE_STATE_SCHEMA || typeof parsed.ssm !== 'object' || parsed.ssm === null) return undefined;
    return { schema: LIVE_STATE_SCHEMA, takenAt: String(parsed.takenAt ?? ''), ssm: parsed.ssm, kubernetes: parsed.kubernetes ?? {} };
  } catch {
    return undefined;
  }
}

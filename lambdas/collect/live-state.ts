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

/** Why a stored text is not a live state this version can read back; says where, never quotes a value. */
export type LiveStateProblem = string;

/**
 * Checks a stored live state: JSON, this schema, and every SSM record shaped as the reader wrote it
 * (a name, a known type, a whole version, strings where strings belong). A record that passes is
 * only ever reused when DescribeParameters lists the same version written at the same time, so a
 * state can save reads but never change a finding; one that does not pass is refused whole.
 */
export function checkLiveState(text: string): { ok: true; state: LiveState } | { ok: false; problem: LiveStateProblem } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not valid JSON${jsonErrorPosition(text, error)}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, problem: 'expected a JSON object' };
  const object = parsed as Record<string, unknown>;
  if (object.schema !== LIVE_STATE_SCHEMA) {
    return { ok: false, problem: `schema is ${JSON.stringify(object.schema) ?? 'missing'}, expected "${LIVE_STATE_SCHEMA}"` };
  }
  const ssm = object.ssm;
  if (typeof ssm !== 'object' || ssm === null || Array.isArray(ssm)) return { ok: false, problem: '"ssm" must be an object of records by source id' };
  for (const [id, records] of Object.entries(ssm)) {
    if (!Array.isArray(records)) return { ok: false, problem: `ssm["${id}"] must be a list of parameter records` };
    for (const [index, record] of records.entries()) {
      const problem = recordProblem(record);
      if (problem !== undefined) return { ok: false, problem: `ssm["${id}"][${index}]: ${problem}` };
    }
  }
  const kubernetes = object.kubernetes ?? {};
  if (typeof kubernetes !== 'object' || kubernetes === null || Array.isArray(kubernetes)) return { ok: false, problem: '"kubernetes" must be an object' };
  return {
    ok: true,
    state: {
      schema: LIVE_STATE_SCHEMA,
      takenAt: typeof object.takenAt === 'string' ? object.takenAt : '',
      ssm: ssm as LiveState['ssm'],
      kubernetes: kubernetes as LiveState['kubernetes'],
    },
  };
}

const RECORD_TYPES = new Set(['String', 'StringList', 'SecureString']);
const OPTIONAL_STRINGS = ['value', 'lastModifiedDate', 'lastModifiedUser', 'arn', 'tier', 'dataType'] as const;

function recordProblem(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'expected a parameter record object';
  const r = record as Record<string, unknown>;
  if (typeof r.name !== 'string' || !r.name.startsWith('/')) return '"name" must be a parameter name starting with /';
  if (typeof r.type !== 'string' || !RECORD_TYPES.has(r.type)) return `"type" must be String, StringList or SecureString`;
  if (r.version !== undefined && !(Number.isInteger(r.version) && (r.version as number) > 0)) return '"version" must be a whole number from 1';
  for (const field of OPTIONAL_STRINGS) {
    if (r[field] !== undefined && typeof r[field] !== 'string') return `"${field}" must be a string`;
  }
  if (r.redacted !== undefined && typeof r.redacted !== 'boolean') return '"redacted" must be true or false';
  if (r.type === 'SecureString' && r.value !== undefined) return 'a SecureString record never holds a value';
  return undefined;
}

/** ` at line L, column C` from a JSON.parse error, without quoting the text (it may hold values). */
function jsonErrorPosition(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

/**
 * Reads a stored live state; anything else (a missing object, an older schema, garbage) gives
 * undefined, which only costs a full read instead of an incremental one. See {@link checkLiveState}.
 */
export function parseLiveState(text: string | undefined): LiveState | undefined {
  if (text === undefined || text === '') return undefined;
  const checked = checkLiveState(text);
  return checked.ok ? checked.state : undefined;
}

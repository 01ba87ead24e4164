import { parseDuration } from '../../lambdas/engine/analyse/parse-duration.js';
import type { OptionSpecs } from './option-spec.js';
import { LIVE_BUDGET_OPTIONS, liveBudgetOf, type LiveBudgetValues } from './live-budget-options.js';
import { UsageError } from './usage-error.js';

/** The help heading of the flags that only matter with `--live`. */
const LIVE = 'Live options';

/**
 * The options every command that reads an estate takes (offline snapshots or live, clock, colour).
 * `--help` and `-h` are commander's own on every command.
 */
export const COMMON_OPTIONS = {
  snapshots: { type: 'string', valueName: 'DIR', description: 'exported state to audit (default: BASELINE_DIR/snapshots)' },
  live: { group: LIVE, type: 'boolean', default: false, description: 'read SSM and EKS with the standard AWS credential chain' },
  profile: { group: LIVE, type: 'string', valueName: 'NAME', description: 'AWS profile (same as AWS_PROFILE)' },
  ...LIVE_BUDGET_OPTIONS,
  deadline: {
    group: LIVE,
    type: 'string',
    valueName: 'DURATION',
    description: 'stop the live read after this long (e.g. 90s, 10m); sources not read by then are reported as source errors and the audit as partial',
    defaultDescription: '5m',
  },
  now: { type: 'string', valueName: 'ISO_TIME', description: 'audit as of this time (exception expiry)', defaultDescription: 'now' },
  'no-color': { type: 'boolean', default: false, description: 'plain text even on a terminal (also NO_COLOR)' },
} as const satisfies OptionSpecs;

/** The common options as `parseArgs` returns them. */
export interface CommonValues extends LiveBudgetValues {
  snapshots?: string | undefined;
  live: boolean;
  profile?: string | undefined;
  deadline?: string | undefined;
  now?: string | undefined;
  'no-color': boolean;
}

/**
 * The common options checked: a usage error names the flag, what it expects and what it got.
 * @param implied `live: true` for commands that always read live (`snapshot`), so `--state` applies
 */
export function commonOf(values: CommonValues, implied: { readonly live?: boolean } = {}) {
  if (values.live && values.snapshots !== undefined) throw new UsageError('choose --live or --snapshots, not both');
  return {
    live: values.live,
    ...(values.snapshots === undefined ? {} : { snapshots: values.snapshots }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...liveBudgetOf(values, values.live || implied.live === true),
    ...deadlineOf(values.deadline),
    ...nowOf(values.now),
    ...(values['no-color'] ? { color: false } : {}),
  };
}

function deadlineOf(given: string | undefined): { deadlineMs?: number } {
  if (given === undefined) return {};
  const parsed = parseDuration(given);
  // At most a day: Node's timers cannot wait longer than 2^31 - 1 ms, and fire at once beyond it.
  if (parsed?.kind !== 'ms' || parsed.value <= 0 || parsed.value > 86_400_000) {
    throw new UsageError(`--deadline must be a duration with a unit such as 90s, 5m or 1h30m (at most 24h), got ${given}`);
  }
  return { deadlineMs: parsed.value };
}

/** `--now` as a time; a usage error unless ISO 8601. */
export function nowOf(given: string | undefined): { now?: Date } {
  if (given === undefined) return {};
  const parsed = new Date(given);
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`--now must be an ISO 8601 time such as 2026-11-23T12:00:00Z, got ${given}`);
  return { now: parsed };
}

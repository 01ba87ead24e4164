import {
  DEFAULT_SSM_DESCRIBE_RPS,
  DEFAULT_SSM_GET_RPS,
  parseRequestRate,
  SSM_ASSUMED_DESCRIBE_QUOTA_TPS,
  SSM_DEFAULT_GET_QUOTA_TPS,
} from '../../lambdas/sources/aws/request-budget.js';
import type { OptionSpecs } from './option-spec.js';
import { UsageError } from './usage-error.js';

/**
 * The live read's SSM budget and incremental-state flags: definitions, help lines and checks kept
 * together so they move as one piece (to another argument parser, too).
 *
 * Parameter Store has two quota groups, each per account and Region: Get* (GetParameter,
 * GetParameters and GetParametersByPath share AWS's default of 40 transactions per second; higher
 * throughput raises it) and DescribeParameters (its own limit, which AWS does not publish).
 */
export const LIVE_BUDGET_OPTIONS = {
  'ssm-get-rps': {
    group: 'Live options',
    type: 'string',
    valueName: 'N',
    description: `SSM Get* budget, requests/s per account and region: GetParameter, GetParameters and GetParametersByPath share one quota, AWS default ${SSM_DEFAULT_GET_QUOTA_TPS}/s (set ${SSM_DEFAULT_GET_QUOTA_TPS} to use it all)`,
    defaultDescription: `${DEFAULT_SSM_GET_RPS}, half the quota`,
  },
  'ssm-rps': { group: 'Live options', type: 'string', valueName: 'N', description: 'the same as --ssm-get-rps (its earlier name, kept as an alias)' },
  'ssm-describe-rps': {
    group: 'Live options',
    type: 'string',
    valueName: 'N',
    description: `SSM DescribeParameters budget, requests/s per account and region: a quota of its own that AWS does not publish, assumed ${SSM_ASSUMED_DESCRIBE_QUOTA_TPS}/s; it paces incremental reads (--state)`,
    defaultDescription: `${DEFAULT_SSM_DESCRIBE_RPS}`,
  },
  state: {
    group: 'Live options',
    type: 'string',
    valueName: 'FILE',
    description:
      'incremental live read: reuse values whose version and write time did not move since the state in FILE (missing: a full read), then write the new state there; never changes a finding',
  },
} as const satisfies OptionSpecs;

/** The flags as `parseArgs` returns them. */
export interface LiveBudgetValues {
  'ssm-get-rps'?: string | undefined;
  'ssm-rps'?: string | undefined;
  'ssm-describe-rps'?: string | undefined;
  state?: string | undefined;
}

/** The checked settings, as `LiveOptions` fields. */
export interface LiveBudgetSettings {
  /** SSM Get* requests per second per account and region. */
  readonly ssmRequestsPerSecond?: number;
  /** SSM DescribeParameters requests per second per account and region. */
  readonly ssmDescribeRequestsPerSecond?: number;
  /** The incremental state file, as given (resolved against the working directory by the reader). */
  readonly statePath?: string;
}

/** Checks the flags: a usage error names the flag, what it expects and what it got. */
export function liveBudgetOf(values: LiveBudgetValues, live: boolean): LiveBudgetSettings {
  const rate = (flag: keyof LiveBudgetValues): number | undefined => {
    const raw = values[flag];
    if (raw === undefined) return undefined;
    const parsed = parseRequestRate(raw, `--${flag}`);
    if (!parsed.ok) throw new UsageError(parsed.reason);
    return parsed.rate;
  };
  const get = rate('ssm-get-rps');
  const alias = rate('ssm-rps');
  if (get !== undefined && alias !== undefined && get !== alias) {
    throw new UsageError(`--ssm-rps is another name for --ssm-get-rps: give one of them, not ${alias} and ${get}`);
  }
  const describe = rate('ssm-describe-rps');
  if (values.state !== undefined && !live) {
    throw new UsageError('--state keeps the state of live reads between runs: use it with --live');
  }
  if (values.state === '') throw new UsageError('--state needs a file path');
  const getRate = get ?? alias;
  return {
    ...(getRate === undefined ? {} : { ssmRequestsPerSecond: getRate }),
    ...(describe === undefined ? {} : { ssmDescribeRequestsPerSecond: describe }),
    ...(values.state === undefined ? {} : { statePath: values.state }),
  };
}

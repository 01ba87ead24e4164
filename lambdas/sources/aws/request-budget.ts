/**
 * A per-account, per-region request budget: one token bucket per (account, region, operation group),
 * shared by every client and source that talks to that region of that account, so the audit's own
 * concurrency across environments never adds up to more than the budget. AWS throttles Parameter
 * Store per account and Region, so two accounts read in one region each get their own bucket.
 *
 * Why pace instead of letting the SDK retry: the SSM quota is per account and Region and is shared
 * with the applications that read their configuration from Parameter Store. Running into throttling
 * and paying for retries would push them into throttling too; staying under half the quota leaves
 * them the other half.
 */

/** Time source and sleeper, injectable so the bucket can be tested without real time. */
export interface BudgetClock {
  /** Milliseconds, monotonic enough for pacing. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const systemBudgetClock: BudgetClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Documented default Parameter Store throughput: 40 transactions per second per account and Region,
 * shared by GetParameter, GetParameters and GetParametersByPath. Source: "AWS Systems Manager endpoints
 * and quotas" (https://docs.aws.amazon.com/general/latest/gr/ssm.html), Parameter Store, "Max
 * throughput (transactions per second)": default 40, higher throughput 100 (GetParametersByPath) and
 * 3,000 (GetParameter, GetParameters), as also quoted in github.com/segmentio/chamber/issues/392.
 * Requests are throttled per account and Region
 * (https://repost.aws/knowledge-center/ssm-parameter-store-rate-exceeded).
 */
export const SSM_DEFAULT_GET_QUOTA_TPS = 40;

/**
 * Our working figure for DescribeParameters, which AWS does not publish: users report it undocumented
 * and far below the Get* quota (github.com/minamijoyo/myaws/issues/31 "the rate limit of
 * DescribeParameters API is undocumented"; github.com/segmentio/chamber/issues/392 "the limits for
 * DescribeParameters are very low"; the AWS CLI retries it fewer times than Get*, per the
 * knowledge-center article above). 10/s is an assumption: override the budget when AWS support gives
 * you your account's figure.
 */
export const SSM_ASSUMED_DESCRIBE_QUOTA_TPS = 10;

/** Operation groups that share one bucket. Named `Service:group`. */
export const SSM_GET_GROUP = 'SSM:Get';
/** DescribeParameters has its own, lower limit, hence its own bucket. */
export const SSM_DESCRIBE_GROUP = 'SSM:Describe';

/** Default Get* budget per account and region: half the documented default quota (20 of 40). */
export const DEFAULT_SSM_GET_RPS = SSM_DEFAULT_GET_QUOTA_TPS / 2;
/** Default DescribeParameters budget per account and region: half the assumed quota (5 of 10). */
export const DEFAULT_SSM_DESCRIBE_RPS = SSM_ASSUMED_DESCRIBE_QUOTA_TPS / 2;

/**
 * Default requests per second per account and region for each group: half of the quota, so the
 * applications sharing the account keep the other half.
 */
export const DEFAULT_REQUEST_RATES: Readonly<Record<string, number>> = {
  [SSM_GET_GROUP]: DEFAULT_SSM_GET_RPS,
  [SSM_DESCRIBE_GROUP]: DEFAULT_SSM_DESCRIBE_RPS,
};

/** The two SSM knobs a user sets (CLI flags, context keys, the function's environment). */
export interface SsmRequestRates {
  /** Get* (GetParameter, GetParameters, GetParametersByPath) requests per second. @default DEFAULT_SSM_GET_RPS */
  readonly get?: number;
  /** DescribeParameters requests per second. @default DEFAULT_SSM_DESCRIBE_RPS */
  readonly describe?: number;
}

/** The budget's rates for the two SSM knobs, each group falling back to its default. */
export function ssmRequestRates(rates: SsmRequestRates = {}): Readonly<Record<string, number>> {
  return {
    ...DEFAULT_REQUEST_RATES,
    ...(rates.get === undefined ? {} : { [SSM_GET_GROUP]: rates.get }),
    ...(rates.describe === undefined ? {} : { [SSM_DESCRIBE_GROUP]: rates.describe }),
  };
}

/**
 * A requests-per-second setting read from text (a flag, a context key, an environment variable):
 * the number, or a reason naming `what` and the value when it is not a positive finite number.
 */
export function parseRequestRate(raw: string, what: string): { ok: true; rate: number } | { ok: false; reason: string } {
  const rate = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isFinite(rate) && rate > 0) return { ok: true, rate };
  return { ok: false, reason: `${what} must be a positive number of requests per second, got ${JSON.stringify(raw)}` };
}

/** Where a request goes, for its bucket: the region and, when known, the account. */
export interface BudgetScope {
  readonly region: string;
  /**
   * The 12-digit account, when the caller knows it (the environment's `account`, or the account of
   * the role it reads through). Absent: the caller's own credentials' account, one bucket per region.
   */
  readonly account?: string;
}

/**
 * `rates` scaled by `share`, the part of an account and region's quota one reader may use when several
 * read it at once (fan-out targets of one account and region); a share outside (0, 1] keeps the rates.
 */
export function scaledRequestRates(rates: Readonly<Record<string, number>>, share: number): Readonly<Record<string, number>> {
  const scale = share > 0 && share <= 1 ? share : 1;
  return Object.fromEntries(Object.entries(rates).map(([group, rate]) => [group, rate * scale]));
}

/**
 * Which bucket an operation draws from; `undefined` for operations that are not paced.
 * Only read operations this project calls are listed; anything else goes unpaced (but still counted).
 */
export function operationGroup(service: string, operation: string): string | undefined {
  if (service === 'SSM') {
    if (operation === 'GetParameter' || operation === 'GetParameters' || operation === 'GetParametersByPath') {
      return SSM_GET_GROUP;
    }
    if (operation === 'DescribeParameters') return SSM_DESCRIBE_GROUP;
  }
  return undefined;
}

/** Options of {@link RequestBudget}. */
export interface RequestBudgetOptions {
  /**
   * Requests per second per account and region, by operation group. Groups absent here are not paced.
   * @default DEFAULT_REQUEST_RATES
   */
  readonly rates?: Readonly<Record<string, number>>;
  /**
   * Requests a bucket lets through back to back after being idle. 1 spaces every request evenly,
   * which is what keeps a server-side bucket of the full quota from ever seeing more than the budget.
   * @default 1
   */
  readonly burst?: number;
  /** @default systemBudgetClock */
  readonly clock?: BudgetClock;
}

/**
 * Token buckets keyed by account, region and operation group, in GCRA form (one "theoretical arrival time" per
 * bucket): FIFO by construction, no timers while idle, and no drift, because each reservation is
 * computed from the previous one rather than from when a timer happened to fire.
 */
export class RequestBudget {
  private readonly rates: Readonly<Record<string, number>>;
  private readonly burst: number;
  private readonly clock: BudgetClock;
  /** Next theoretical arrival time per `account|region|group`. */
  private readonly tat = new Map<string, number>();
  private waited = 0;

  constructor(options: RequestBudgetOptions = {}) {
    this.rates = options.rates ?? DEFAULT_REQUEST_RATES;
    this.burst = Math.max(1, Math.floor(options.burst ?? 1));
    this.clock = options.clock ?? systemBudgetClock;
    for (const [group, rate] of Object.entries(this.rates)) {
      if (!(rate > 0) || !Number.isFinite(rate)) {
        throw new RangeError(`request budget for ${group} must be a positive number of requests per second, got ${rate}`);
      }
    }
  }

  /** Requests per second allowed for a group, or `undefined` when it is not paced. */
  rateOf(group: string): number | undefined {
    return this.rates[group];
  }

  /**
   * Waits until one more request of `group` may be sent to `where` (a region, or a region of an
   * account), and reserves it. Resolves at once for groups without a rate. An aborted wait gives its
   * slot up to nobody: slightly conservative, never over budget.
   */
  async acquire(where: string | BudgetScope, group: string | undefined, signal?: AbortSignal): Promise<void> {
    if (group === undefined) return;
    const rate = this.rates[group];
    if (rate === undefined) return;
    const interval = 1000 / rate;
    const scope = typeof where === 'string' ? { region: where } : where;
    const key = `${scope.account ?? ''}|${scope.region}|${group}`;
    const now = this.clock.now();
    const tat = Math.max(this.tat.get(key) ?? now, now);
    const allowedAt = tat - (this.burst - 1) * interval;
    this.tat.set(key, tat + interval);
    const wait = allowedAt - now;
    if (wait > 0) {
      this.waited += wait;
      await this.clock.sleep(wait, signal);
    }
  }

  /** Total milliseconds requests spent waiting for the budget (all buckets): how much pacing cost. */
  waitedMs(): number {
    return this.waited;
  }
}

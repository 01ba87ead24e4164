import type { ApiCallStats } from '../../engine/model.js';

/**
 * Counts every AWS API request a run sends, per `region:Service.Operation`, throttled ones apart.
 *
 * Each HTTP attempt counts, retries included: that is what the service's quota sees, and what the
 * run must report to show it stayed under its budget.
 */
export class ApiCallCounter {
  private readonly counts = new Map<string, { calls: number; throttled: number }>();

  /** Records one attempt of `Service.Operation` in `region`. */
  record(region: string, service: string, operation: string, throttled: boolean): void {
    const key = `${region}:${service}.${operation}`;
    const entry = this.counts.get(key) ?? { calls: 0, throttled: 0 };
    entry.calls += 1;
    if (throttled) entry.throttled += 1;
    this.counts.set(key, entry);
  }

  /** A copy of the counts, keys sorted, for the run summary. */
  stats(): ApiCallStats {
    const out: Record<string, { calls: number; throttled: number }> = {};
    for (const key of [...this.counts.keys()].sort()) {
      const entry = this.counts.get(key);
      if (entry) out[key] = { calls: entry.calls, throttled: entry.throttled };
    }
    return out;
  }

  /** Sum over the keys that match `filter` (all when absent), e.g. one region or one operation. */
  total(filter?: (key: string) => boolean): { calls: number; throttled: number } {
    let calls = 0;
    let throttled = 0;
    for (const [key, entry] of this.counts) {
      if (filter && !filter(key)) continue;
      calls += entry.calls;
      throttled += entry.throttled;
    }
    return { calls, throttled };
  }
}

/** Adds two stats records (for a run that used several counters). Keys sorted. */
export function mergeApiCallStats(...all: readonly ApiCallStats[]): ApiCallStats {
  const sum = new Map<string, { calls: number; throttled: number }>();
  for (const stats of all) {
    for (const [key, entry] of Object.entries(stats)) {
      const acc = sum.get(key) ?? { calls: 0, throttled: 0 };
      acc.calls += entry.calls;
      acc.throttled += entry.throttled;
      sum.set(key, acc);
    }
  }
  const out: Record<string, { calls: number; throttled: number }> = {};
  for (const key of [...sum.keys()].sort()) {
    const entry = sum.get(key);
    if (entry) out[key] = entry;
  }
  return out;
}

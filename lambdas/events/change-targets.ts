import type { Baseline } from '../engine/model.js';
import { sourceKinds } from '../sources/registry.js';
import type { ChangeMessage } from './change-messages.js';

/** What a batch of changes asks of one environment: the items to re-read per declared source. */
export interface EnvironmentTarget {
  readonly environment: string;
  /** By the source's index in the environment's `sources`: the items touched (names, `deployments/ns/name`), sorted. */
  readonly sources: ReadonlyMap<number, readonly string[]>;
  /** The queue messages that led here, to report back when this environment's read fails. */
  readonly messageIds: readonly string[];
}

/** The targets of a batch, and the changes no declared source covers. */
export interface ChangeTargets {
  /** In baseline declaration order. */
  readonly targets: readonly EnvironmentTarget[];
  /** Changes outside every declared source (another path, region, account, cluster, namespace or resource). */
  readonly unmatched: readonly ChangeMessage[];
}

/**
 * Maps changes to the environments and sources the baseline declares, through each source kind's
 * change reader: an SSM write to the tree of its region, account and path prefix; a Kubernetes write
 * to the cluster source declaring its namespace (and workload). A change may touch several
 * environments (two trees over one path); a burst of writes to one parameter is one item.
 */
export function targetChanges(baseline: Baseline, changes: readonly ChangeMessage[]): ChangeTargets {
  const byEnvironment = new Map<string, { sources: Map<number, Set<string>>; messageIds: Set<string> }>();
  const unmatched: ChangeMessage[] = [];
  for (const message of changes) {
    let matched = false;
    for (const environment of baseline.environments) {
      environment.sources.forEach((spec, index) => {
        const item = sourceKinds.of(spec)?.live?.changes?.touches(spec, environment, message.change);
        if (item === undefined) return;
        matched = true;
        const entry = byEnvironment.get(environment.name) ?? { sources: new Map<number, Set<string>>(), messageIds: new Set<string>() };
        entry.sources.set(index, (entry.sources.get(index) ?? new Set<string>()).add(item));
        entry.messageIds.add(message.messageId);
        byEnvironment.set(environment.name, entry);
      });
    }
    if (!matched) unmatched.push(message);
  }
  const targets = baseline.environments.flatMap((environment): EnvironmentTarget[] => {
    const entry = byEnvironment.get(environment.name);
    if (entry === undefined) return [];
    const sources = new Map([...entry.sources].map(([index, items]) => [index, [...items].sort()] as const));
    return [{ environment: environment.name, sources, messageIds: [...entry.messageIds].sort() }];
  });
  return { targets, unmatched };
}

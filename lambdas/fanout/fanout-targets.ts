/**
 * The targets of a fan-out run: one per declared live source (an SSM tree, an EKS cluster) of each
 * environment, each collected by its own function invocation with its own budget and deadline.
 */
import { createHash } from 'node:crypto';
import type { CollectLiveOptions } from '../collect/collect-live.js';
import { secretKeyOf } from '../collect/secret-keys.js';
import type { Baseline, EnvironmentSpec, SourceLayer } from '../engine/model.js';
import { sourceKinds } from '../sources/registry.js';

/** One (environment, source) a collector reads: an item of the Distributed Map's manifest. */
export interface FanOutTarget {
  /** Unique in the run and safe in an S3 key: `<environment>/<source index>`. */
  readonly key: string;
  readonly environment: string;
  /** Index of the source in the environment's `sources`, as the baseline declares them. */
  readonly sourceIndex: number;
  /** The id the source's status reports (`ssm:eu-west-1:/production-eu/api/`). */
  readonly sourceId: string;
  readonly kind: string;
  /** The layers its status reports; empty when the kind does not say before reading. */
  readonly layers: readonly SourceLayer[];
  readonly account?: string;
  readonly region?: string;
  /**
   * This target's share of the per-region request budget (0 < share <= 1): the budget is per account
   * and region and shared with the applications, so targets of one account and region split it.
   */
  readonly budgetShare: number;
}

/**
 * Lists the targets of `baseline`, in declaration order (environments, then their sources). Planning
 * reads nothing: each kind's `plan` only names the read (`options` is what it would read with).
 * Sources of kinds without a live reader (snapshot files) are not targets.
 */
export function planTargets(baseline: Baseline, options: CollectLiveOptions): FanOutTarget[] {
  const secretKey = secretKeyOf(baseline);
  const clock = options.clock ?? (() => new Date());
  const planned = baseline.environments.flatMap((environment) =>
    environment.sources.flatMap((spec, sourceIndex) => {
      const kind = sourceKinds.of(spec);
      if (kind?.live === undefined) return [];
      const read = kind.live.plan(spec, { environment, options, clock, secretKey, previous: undefined });
      const region = (spec as { readonly region?: string }).region ?? environment.region;
      return [
        {
          key: `${targetSegment(environment.name)}/${String(sourceIndex).padStart(3, '0')}`,
          environment: environment.name,
          sourceIndex,
          sourceId: read.id,
          kind: kind.name,
          layers: read.layers ?? [],
          ...(environment.account === undefined ? {} : { account: environment.account }),
          ...(region === undefined ? {} : { region }),
        },
      ];
    }),
  );
  const sharing = new Map<string, number>();
  for (const target of planned) sharing.set(placementOf(target), (sharing.get(placementOf(target)) ?? 0) + 1);
  return planned.map((target) => ({ ...target, budgetShare: 1 / (sharing.get(placementOf(target)) ?? 1) }));
}

/**
 * The baseline a collector reads one target with: the target's environment holding only the target's
 * source. Settings, applications and the rest stay, so secret keys and redaction are the full run's.
 * @throws FanOutTargetError when the baseline declares no such source (a manifest from another baseline)
 */
export function targetBaseline(baseline: Baseline, target: FanOutTarget): { readonly baseline: Baseline; readonly environment: EnvironmentSpec } {
  const environment = baseline.environments.find((candidate) => candidate.name === target.environment);
  const spec = environment?.sources[target.sourceIndex];
  if (environment === undefined || spec === undefined) {
    throw new FanOutTargetError(
      `target ${target.key} names source ${target.sourceIndex} of environment ${target.environment}, which the run's baseline does not declare`,
    );
  }
  const only: EnvironmentSpec = { ...environment, sources: [spec] };
  return { baseline: { ...baseline, environments: [only] }, environment: only };
}

/** A target does not fit the run's baseline or layout. */
export class FanOutTargetError extends Error {
  override readonly name = 'FanOutTargetError';
}

/** An environment name as one S3 key segment: readable, and unique by its hash when anything was replaced. */
function targetSegment(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === name ? name : `${safe}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

function placementOf(target: { readonly account?: string; readonly region?: string }): string {
  return `${target.account ?? ''}|${target.region ?? ''}`;
}

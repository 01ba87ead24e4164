import { buildEnvironmentContexts, observationsOf, scopedKey } from '../analyse/environment-context.js';
import { canonicalValue } from '../analyse/compare-values.js';
import { isSecretKey } from '../analyse/show-value.js';
import type { Baseline, EnvironmentSpec, Observation, Snapshot } from '../model.js';
import { withSecretsDetected } from '../secrets/detect-observations.js';

/** What `init` proposes for one key of one application. */
export type KeyProposal =
  /** Every environment that holds the key agrees. */
  | { readonly kind: 'shared'; readonly value: string }
  /** Each tier agrees within itself (or by majority), tiers differ: an expected difference per tier. */
  | { readonly kind: 'tiers'; readonly tiers: Readonly<Record<string, string | null>> }
  /**
   * Some tier has no majority: the decided tiers' values, and `parity: tier` so the undecided tier's
   * environments are still compared with each other (and reported) until someone picks a value.
   */
  | { readonly kind: 'parity'; readonly tiers: Readonly<Record<string, string | null>> }
  /** Secret by name or by the shape of its value: declared without a value. */
  | { readonly kind: 'secret' };

/** An environment that disagrees with its tier on one key: listed for review, never declared. */
export interface Outlier {
  readonly application?: string;
  readonly key: string;
  readonly environment: string;
  readonly tier: string;
  /** The value it holds (null: the key is absent there); secrets are never outliers by value. */
  readonly value: string | null;
  /** The value the rest of its tier holds (null: absent); undefined when the tier has no majority. */
  readonly tierValue?: string | null;
}

/** One key's proposal within its application. */
export interface ProposedKey {
  readonly key: string;
  readonly proposal: KeyProposal;
}

/** Everything `init` proposes from what runs. */
export interface BaselineProposal {
  /** Applications as the scan names them (`undefined`: keys of no application), sorted. */
  readonly applications: ReadonlyMap<string | undefined, readonly ProposedKey[]>;
  readonly outliers: readonly Outlier[];
  /** `tier` when images differ between environments (a tier's images then still must agree), else `all`. */
  readonly imageParity: 'all' | 'tier';
}

/** What the proposal is computed from: the environments (with tiers) and what was read in each. */
export interface ProposeInput {
  readonly environments: readonly EnvironmentSpec[];
  readonly snapshots: readonly Snapshot[];
}

/**
 * Proposes the settings of a baseline from the effective values of every environment. The effective
 * value is the engine's own (`observationsOf`: precedence, overridden values last), so the proposal
 * declares what a scan will compare. Values compare as the engine compares undeclared values: as
 * exact strings, or by quantity for `k8s:` resource keys.
 *
 * Pure and deterministic: applications and keys come out sorted.
 */
export function proposeBaseline(input: ProposeInput): BaselineProposal {
  const baseline = provisionalBaseline(input.environments);
  const snapshots = withSecretsDetected(input.snapshots, baseline);
  const contexts = buildEnvironmentContexts(baseline, snapshots, new Map());
  const keys = new Map<string, { application: string | undefined; key: string }>();
  for (const env of contexts) {
    for (const observation of env.observations) {
      keys.set(scopedKey(observation.application, observation.key), { application: observation.application, key: observation.key });
    }
  }
  const applications = new Map<string | undefined, ProposedKey[]>();
  const outliers: Outlier[] = [];
  for (const { application, key } of [...keys.values()].sort(compareScoped)) {
    // Only where the application runs: elsewhere its keys are not configuration that is absent.
    const held: Held[] = [];
    for (const env of contexts) {
      if (!env.applications.has(application)) continue;
      held.push({ environment: env.spec.name, tier: env.spec.tier, winner: observationsOf(env, application, key)[0] });
    }
    const proposal = proposeKey(application, key, held, outliers);
    const list = applications.get(application) ?? [];
    list.push({ key, proposal });
    applications.set(application, list);
  }
  return { applications, outliers, imageParity: imagesDiffer(snapshots) ? 'tier' : 'all' };
}

/** One environment's effective observation of a key; undefined: the key is absent there. */
interface Held {
  readonly environment: string;
  readonly tier: string;
  readonly winner: Observation | undefined;
}

/** The comparison token of an absent key: no canonical value starts with a NUL. */
const ABSENT = '\u0000absent';

function proposeKey(application: string | undefined, key: string, held: readonly Held[], outliers: Outlier[]): KeyProposal {
  if (isSecretKey(key) || held.some((entry) => entry.winner?.value.kind === 'secret')) return { kind: 'secret' };
  const byTier = new Map<string, { environment: string; value: string | null; canonical: string }[]>();
  for (const entry of held) {
    const value = entry.winner === undefined ? null : entry.winner.value.kind === 'plain' ? entry.winner.value.value : '';
    const canonical = value === null || entry.winner === undefined ? ABSENT : canonicalValue(value, entry.winner.comparison);
    const list = byTier.get(entry.tier) ?? [];
    list.push({ environment: entry.environment, value, canonical });
    byTier.set(entry.tier, list);
  }
  const tiers: Record<string, string | null> = {};
  const canonicalByTier = new Map<string, string>();
  let undecided = false;
  for (const [tier, members] of byTier) {
    const majority = tierValueOf(members.map((member) => member.canonical));
    if (majority === undefined) undecided = true;
    else {
      tiers[tier] = (members.find((member) => member.canonical === majority) as { value: string | null }).value;
      canonicalByTier.set(tier, majority);
    }
    for (const member of members) {
      if (member.canonical === majority) continue;
      outliers.push({
        ...(application === undefined ? {} : { application }),
        key,
        environment: member.environment,
        tier,
        value: member.value,
        ...(majority === undefined ? {} : { tierValue: tiers[tier] ?? null }),
      });
    }
  }
  if (undecided) return { kind: 'parity', tiers };
  const distinct = new Set(canonicalByTier.values());
  const only = Object.values(tiers)[0];
  if (distinct.size === 1 && typeof only === 'string') return { kind: 'shared', value: only };
  return { kind: 'tiers', tiers };
}

/**
 * What a tier's members hold by majority. A tie between a value and absence goes to the value: a key
 * some environment of the tier sets is one its application reads, and an environment without it
 * falls back to a default nobody chose (the scan reports it `missing`). A tie between values decides
 * nothing.
 */
function tierValueOf(values: readonly string[]): string | undefined {
  return majorityOf(values) ?? majorityOf(values.filter((value) => value !== ABSENT));
}

/** The value more members hold than any other, or undefined on a tie. */
function majorityOf(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const [first, second] = ranked;
  if (first === undefined) return undefined;
  return second !== undefined && second[1] === first[1] ? undefined : first[0];
}

function imagesDiffer(snapshots: readonly Snapshot[]): boolean {
  const byContainer = new Map<string, Set<string>>();
  for (const snapshot of snapshots) {
    for (const image of snapshot.images) {
      const id = `${image.namespace}/${image.workload}/${image.container}`;
      const set = byContainer.get(id) ?? new Set<string>();
      set.add(`${image.repository}:${image.tag ?? ''}@${image.digest ?? ''}`);
      byContainer.set(id, set);
    }
  }
  return [...byContainer.values()].some((set) => set.size > 1);
}

function compareScoped(a: { application: string | undefined; key: string }, b: { application: string | undefined; key: string }): number {
  return compare(a.application ?? '', b.application ?? '') || compare(a.key, b.key);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A baseline declaring only the environments: what the engine needs to resolve effective values. */
function provisionalBaseline(environments: readonly EnvironmentSpec[]): Baseline {
  return {
    environments,
    settings: new Map(),
    ignore: [],
    unmanaged: { policy: 'report', severity: 'medium' },
    exceptions: [],
    defaultSeverity: 'medium',
    attribution: { outOfBandManagers: [], pipelinePrincipals: [] },
    files: [],
  };
}

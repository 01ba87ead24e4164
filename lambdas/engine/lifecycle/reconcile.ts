import type { AuditResult, Finding, Snapshot, SourceStatus, Transition, TransitionKind } from '../model.js';
import type { FindingState } from './finding-state.js';
import { severityRank } from './finding-state.js';
import { fingerprintFinding } from './fingerprint-finding.js';
import { readInScope, type ReconcileScope } from './read-scope.js';
import { redactFinding } from './redact-finding.js';

export type { FindingState } from './finding-state.js';
export type { ReconcileScope } from './read-scope.js';

/** What `reconcile` compares: history's states against this run's verdict. */
export interface ReconcileInput {
  /** States loaded from history: normally the open ones; resolved ones are accepted too. */
  readonly previous: readonly FindingState[];
  /** This run's verdict; only `findings` and `completeEnvironments` are read. */
  readonly current: Pick<AuditResult, 'findings' | 'completeEnvironments'>;
  /**
   * What each environment's sources did this run (the snapshots themselves will do). Lets a
   * `source-error` resolve as soon as its own source reads again, even while another source of the
   * same environment still fails. Without it, a `source-error` resolves only once its environment
   * is complete.
   */
  readonly snapshots?: readonly Pick<Snapshot, 'environment' | 'sources'>[];
  /**
   * Names of the environments the baseline this run audited declares. A state about an environment
   * no longer declared (its own, or one a parity/version finding was compared with) can never be
   * seen again nor read completely again, so it is resolved with a message saying the environment
   * left the baseline. Without it, environments are never considered removed.
   */
  readonly declaredEnvironments?: readonly string[];
  /**
   * What this run read, when it read only part of the estate (a change-driven run): a finding is
   * judged only when its environment's entry covers its key. Every other finding was not read this
   * run: a current one neither opens nor moves an open state, an open state absent now is carried
   * over untouched. A parity or version finding resolves only when every environment it was compared
   * with covers its key too. Absent: the run read everything it declares.
   */
  readonly scope?: ReconcileScope;
  /** The run making these moves; stamped on every state it touches. */
  readonly runId: string;
  /** The run's clock: `at` of every transition, `lastSeen` of every state seen. */
  readonly now: Date;
}

/** The moves this run makes and the states it leaves behind. */
export interface ReconcileOutput {
  /**
   * At most one per finding, sorted worst severity first, then environment, key, type and id, so
   * alerts and history read the same on every run.
   */
  readonly transitions: Transition[];
  /**
   * Every state this run leaves open (touched or carried over as it was) plus those it resolved,
   * sorted by id. States that were already resolved and stay absent are dropped: they are history.
   * Only states whose `lastRunId` is this run's id changed; the rest are exactly as loaded.
   */
  readonly next: FindingState[];
}

/**
 * Moves findings through their lifecycle by comparing history with this run's findings.
 *
 * - a finding with no open state -> `opened` (a resolved one seen again opens a new episode with a
 *   new `firstSeen`);
 * - open with the same fingerprint -> no transition, `lastSeen` moves on;
 * - open with a higher severity -> `escalated`; with other changes (value, expected value,
 *   provenance, or a lower severity) -> `changed`;
 * - open and absent now -> `resolved`, but only when every environment it depends on (its own, plus
 *   those in `comparedWith` for parity and version) was read completely. Absence in a partial
 *   environment is ignorance, not a fix: such states are carried over untouched, no transition. A
 *   `source-error` resolves when its own source reads again;
 * - open and about an environment no longer in `declaredEnvironments` (its own or a compared one)
 *   -> `resolved`, its message saying which environment left the baseline.
 *
 * Each drift therefore alerts once when it appears, once per change and once when it resolves;
 * reconciling the same result twice yields no transition the second time. Pure and deterministic:
 * the order of `previous` and of `current.findings` does not matter.
 */
export function reconcile(input: ReconcileInput): ReconcileOutput {
  const at = input.now.toISOString();
  const complete = new Set(input.current.completeEnvironments);
  const declared = input.declaredEnvironments === undefined ? undefined : new Set(input.declaredEnvironments);
  const sourcesByEnvironment = indexSources(input.snapshots ?? []);
  const read = readInScope(input.scope);
  const previousById = new Map<string, FindingState>();
  for (const state of [...input.previous].sort(compareStates)) {
    // Duplicates should not happen; keeping an open one over a resolved one is the safe choice.
    const kept = previousById.get(state.id);
    if (kept === undefined || (kept.status === 'resolved' && state.status === 'open')) previousById.set(state.id, state);
  }

  const transitions: Transition[] = [];
  const next = new Map<string, FindingState>();
  const seen = new Set<string>();

  for (const raw of input.current.findings) {
    if (seen.has(raw.id)) continue; // the engine guarantees unique ids; the first (worst) wins otherwise
    seen.add(raw.id);
    const heldBefore = previousById.get(raw.id);
    if (!read(raw.environment, raw.key)) {
      // Not read this run: its open state (if any) stays exactly as loaded; nothing opens.
      if (heldBefore !== undefined && heldBefore.status === 'open') next.set(heldBefore.id, heldBefore);
      continue;
    }
    const finding = redactFinding(raw);
    const fingerprint = fingerprintFinding(finding);
    const before = previousById.get(finding.id);
    const touched = (firstSeen: string): FindingState => ({
      id: finding.id,
      status: 'open',
      finding,
      firstSeen,
      lastSeen: at,
      fingerprint,
      severity: finding.severity,
      lastRunId: input.runId,
      ...(before?.lastRunId === undefined ? {} : { previousRunId: before.lastRunId }),
    });

    if (before === undefined || before.status === 'resolved') {
      transitions.push({ kind: 'opened', finding, firstSeen: at, at });
      next.set(finding.id, touched(at));
      continue;
    }
    const state = touched(before.firstSeen);
    next.set(finding.id, state);
    if (before.fingerprint === fingerprint) continue;
    const kind: TransitionKind = severityRank(finding.severity) > severityRank(before.severity) ? 'escalated' : 'changed';
    const last = before.finding;
    transitions.push({
      kind,
      finding,
      firstSeen: before.firstSeen,
      at,
      previous: {
        severity: before.severity,
        ...(last.actual === undefined ? {} : { actual: last.actual }),
        ...(last.expected === undefined ? {} : { expected: last.expected }),
      },
    });
  }

  for (const before of previousById.values()) {
    if (seen.has(before.id) || before.status === 'resolved') continue;
    const removed = declared === undefined ? [] : undeclaredEnvironments(before.finding, declared);
    const judged = removed.length > 0 || dependsRead(before.finding, read);
    if (!judged || (removed.length === 0 && !canResolve(before.finding, complete, sourcesByEnvironment))) {
      next.set(before.id, before);
      continue;
    }
    const finding = removed.length === 0 ? redactFinding(before.finding) : withRemovalMessage(redactFinding(before.finding), removed);
    transitions.push({ kind: 'resolved', finding, firstSeen: before.firstSeen, at });
    next.set(before.id, {
      id: before.id,
      status: 'resolved',
      finding,
      firstSeen: before.firstSeen,
      lastSeen: before.lastSeen,
      fingerprint: before.fingerprint,
      severity: before.severity,
      resolvedAt: at,
      lastRunId: input.runId,
      ...(before.lastRunId === undefined ? {} : { previousRunId: before.lastRunId }),
    });
  }

  return {
    transitions: transitions.sort(compareTransitions),
    next: [...next.values()].sort((a, b) => compareText(a.id, b.id)),
  };
}

/** Whether this run read the finding's key in its environment and in every environment it was compared with. */
function dependsRead(finding: Finding, read: (environment: string, key: string) => boolean): boolean {
  return [finding.environment, ...Object.keys(finding.comparedWith ?? {})].every((environment) => read(environment, finding.key));
}

/**
 * Whether a finding absent from this run may be called fixed: only if everything it was judged on
 * was read. For parity and version that includes every environment it was compared with.
 */
function canResolve(finding: Finding, complete: ReadonlySet<string>, sourcesByEnvironment: ReadonlyMap<string, readonly SourceStatus[]>): boolean {
  if (finding.type === 'source-error') {
    if (complete.has(finding.environment)) return true;
    const source = findFailedSource(finding, sourcesByEnvironment.get(finding.environment) ?? []);
    return source?.status === 'ok';
  }
  const depends = [finding.environment, ...Object.keys(finding.comparedWith ?? {})];
  return depends.every((environment) => complete.has(environment));
}

/** Environments the finding depends on (its own, then those compared with) that the baseline no longer declares, sorted. */
function undeclaredEnvironments(finding: Finding, declared: ReadonlySet<string>): string[] {
  const depends = new Set([finding.environment, ...Object.keys(finding.comparedWith ?? {})]);
  return [...depends].filter((environment) => !declared.has(environment)).sort(compareText);
}

/** The finding as last seen, its message saying why it is resolved: nothing was fixed, the environment left. */
function withRemovalMessage(finding: Finding, removed: readonly string[]): Finding {
  const which = removed.length === 1 ? `environment ${removed[0]} is` : `environments ${removed.join(', ')} are`;
  return { ...finding, message: `${which} no longer in the baseline (last seen: ${finding.message})` };
}

/**
 * The source a `source-error` is about. The engine's id is `source-error:<environment>:<source id>`
 * and its key or winning provenance location names the source; any of the three is accepted.
 */
function findFailedSource(finding: Finding, sources: readonly SourceStatus[]): SourceStatus | undefined {
  const names = new Set<string>([finding.key, ...finding.provenance.map((p) => p.location)]);
  return sources.find((source) => names.has(source.id) || finding.id.endsWith(`:${source.id}`));
}

function indexSources(snapshots: readonly Pick<Snapshot, 'environment' | 'sources'>[]): Map<string, SourceStatus[]> {
  const index = new Map<string, SourceStatus[]>();
  for (const snapshot of snapshots) {
    const list = index.get(snapshot.environment) ?? [];
    list.push(...snapshot.sources);
    index.set(snapshot.environment, list);
  }
  return index;
}

function compareStates(a: FindingState, b: FindingState): number {
  return compareText(a.id, b.id) || compareText(a.status, b.status) || compareText(a.lastSeen, b.lastSeen);
}

function compareTransitions(a: Transition, b: Transition): number {
  return (
    severityRank(b.finding.severity) - severityRank(a.finding.severity) ||
    compareText(a.finding.environment, b.finding.environment) ||
    compareText(a.finding.key, b.finding.key) ||
    compareText(a.finding.type, b.finding.type) ||
    compareText(a.finding.id, b.finding.id) ||
    compareText(a.kind, b.kind)
  );
}

/** Code-unit order, not locale order: the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

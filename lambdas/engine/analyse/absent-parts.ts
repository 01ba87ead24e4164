/**
 * Absence of workload shape keys that another key judges (see `absenceJudgedElsewhere`): replicas an
 * HPA owns, and the fields of an autoscaler, disruption budget or probe that is not there at all.
 * One drift, one finding: a missing HPA is one finding about the HPA, never one per declared field.
 */
import type { Finding, Observation, Severity } from '../model.js';
import type { EnvironmentContext } from './environment-context.js';
import { observationsOf } from './environment-context.js';
import { findingBase } from './rules/key-context.js';
import { severityRank } from './severity.js';
import type { SettingPlan } from './setting-plan.js';
import { shownText } from './show-value.js';
import { presenceKeyOf } from './workload-keys.js';

/** A required part key absent because its whole object is absent, waiting for the object's own verdict. */
export interface AbsentPart {
  readonly env: EnvironmentContext;
  readonly plan: SettingPlan;
  /** The value the baseline expects here; undefined for a presence-only requirement. */
  readonly expected: string | undefined;
}

/**
 * How a required key absent in an environment is judged: `judge` as any key (`missing`); `silent`
 * for `k8s:replicas` while the application's workload has an HPA (the HPA owns the replica count, a
 * `kubectl scale` would fight it); `part` for a field of an HPA, PDB or probe observed `absent`,
 * whose verdict is the object's own (see {@link collapseAbsentParts}).
 */
export function absenceOf(env: EnvironmentContext, plan: SettingPlan): 'judge' | 'silent' | 'part' {
  if (plan.key === 'k8s:replicas') return presence(env, plan.application, 'k8s:hpa') === 'present' ? 'silent' : 'judge';
  const parent = presenceKeyOf(plan.key);
  return parent !== undefined && presence(env, plan.application, parent) === 'absent' ? 'part' : 'judge';
}

/**
 * Once every other finding is made: the parts of one absent object in one environment are said by
 * the object's finding when there is one (a `changed` of a declared `k8s:hpa`, a `parity` of an
 * implicitly compared one), else by one `missing` about the object listing the fields the baseline
 * expects of it. Appended to `findings`.
 */
export function collapseAbsentParts(parts: readonly AbsentPart[], findings: Finding[]): void {
  const groups = new Map<string, AbsentPart[]>();
  for (const part of parts) {
    const id = `${part.env.index}\u0000${part.plan.application ?? ''}\u0000${presenceKeyOf(part.plan.key) ?? ''}`;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [part]);
    else group.push(part);
  }
  const collapsed: Finding[] = [];
  for (const group of groups.values()) {
    const { env, plan } = group[0] as AbsentPart;
    const parent = presenceKeyOf(plan.key) as string;
    const name = env.spec.name;
    const judged = findings.some(
      (finding) => finding.key === parent && finding.application === plan.application && finding.environment.split('+').includes(name),
    );
    if (!judged) collapsed.push(objectMissingFinding(group, parent));
  }
  for (const finding of collapsed) findings.push(finding);
}

function objectMissingFinding(group: readonly AbsentPart[], parent: string): Finding {
  const { env, plan } = group[0] as AbsentPart;
  const sorted = [...group].sort((a, b) => (a.plan.key < b.plan.key ? -1 : a.plan.key > b.plan.key ? 1 : 0));
  const fields = sorted.map((part) => (part.expected === undefined || part.plan.secret ? part.plan.key : `${part.plan.key} ${part.expected}`)).join(', ');
  const keys = sorted.map((part) => part.plan.key).join(', ');
  const noun = objectName(parent);
  const environment = env.spec.name;
  const observed = observationsOf(env, plan.application, parent)[0] as Observation;
  return {
    ...findingBase('missing', env.spec, parent, worst(sorted.map((part) => part.plan.severity)), plan.application),
    expected: shownText('present', false),
    actual: shownText('absent', false),
    message: `${parent} is missing in ${environment}: there is no ${noun}, and the baseline expects one with ${fields}`,
    provenance: [observed.provenance],
    fixes: {
      revert: { summary: `Create the ${noun} in ${environment} (${observed.provenance.location}) with ${fields}` },
      accept: { summary: `Declare ${keys} absent in ${environment}: the baseline then expects no ${noun} there` },
    },
  };
}

function objectName(parent: string): string {
  if (parent === 'k8s:hpa') return 'HorizontalPodAutoscaler for the workload';
  if (parent === 'k8s:pdb') return 'PodDisruptionBudget for the workload';
  return `${parent.slice('k8s:probe.'.length)} probe on the container`;
}

function worst(severities: readonly Severity[]): Severity {
  return severities.reduce((a, b) => (severityRank(b) > severityRank(a) ? b : a));
}

function presence(env: EnvironmentContext, application: string | undefined, key: string): string | undefined {
  const observed = observationsOf(env, application, key)[0];
  return observed?.value.kind === 'plain' ? observed.value.value : undefined;
}

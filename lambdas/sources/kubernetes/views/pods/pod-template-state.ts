/**
 * Whether a pod runs its workload's current pod template, decided the way each controller decides it.
 *
 * - Deployment: the Deployment's current revision is its `deployment.kubernetes.io/revision`
 *   annotation; the ReplicaSet it owns with the same annotation is the current one, and a pod is
 *   current when its `pod-template-hash` label equals that ReplicaSet's (the Deployment controller
 *   stamps the hash on the ReplicaSet and on every pod it creates).
 * - StatefulSet: the pod's `controller-revision-hash` label against `status.updateRevision` (the
 *   ControllerRevision new pods are made from). Pods below a RollingUpdate `partition` are held back
 *   on purpose: not judged.
 * - DaemonSet: the pod's `pod-template-generation` label against the DaemonSet's
 *   `deprecated.daemonset.template.generation` annotation, as the controller's `IsPodUpdated` does
 *   (the revision hash it also accepts is computed from the template, not stored on the DaemonSet).
 *
 * A rollout under way is not drift: the rollout state says so (see {@link PodTemplateState.rollout}).
 */
import type { PodTemplateState } from '../../../../engine/model.js';
import { asArray, asRecord, asString } from '../../unknown-shape.js';

type Raw = Readonly<Record<string, unknown>>;

/** The workload object and the ReplicaSets of its namespace (Deployments only need them). */
export interface TemplateInputs {
  readonly workload: Raw;
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  /** ReplicaSets owned by the Deployment; empty when none were read. */
  readonly replicaSets: readonly Raw[];
}

const REVISION = 'deployment.kubernetes.io/revision';
const DS_GENERATION = 'deprecated.daemonset.template.generation';
/** Progressing reasons the Deployment controller sets while it replaces pods. */
const ROLLING_REASONS = new Set(['NewReplicaSetCreated', 'FoundNewReplicaSet', 'ReplicaSetUpdated']);

/** The template state of one pod of `inputs.workload`. */
export function podTemplateState(pod: Raw, inputs: TemplateInputs): PodTemplateState {
  const labels = asRecord(asRecord(pod['metadata'])?.['labels']) ?? {};
  switch (inputs.kind) {
    case 'Deployment':
      return deploymentState(labels, inputs);
    case 'StatefulSet':
      return statefulSetState(pod, labels, inputs.workload);
    case 'DaemonSet':
      return daemonSetState(labels, inputs.workload);
  }
}

function deploymentState(labels: Raw, inputs: TemplateInputs): PodTemplateState {
  const { workload, replicaSets } = inputs;
  const rollout = deploymentRollout(workload);
  const podHash = asString(labels['pod-template-hash']);
  const revision = asString(annotations(workload)[REVISION]);
  const currentSet = revision === undefined ? undefined : replicaSets.find((set) => asString(annotations(set)[REVISION]) === revision);
  const currentHash = currentSet === undefined ? undefined : templateHash(currentSet);
  const podRevision = podHash === undefined ? undefined : `pod-template-hash=${podHash}`;
  const workloadRevision =
    currentHash === undefined
      ? undefined
      : `pod-template-hash=${currentHash} (replicaset ${asString(asRecord(currentSet?.['metadata'])?.['name']) ?? '?'}, revision ${revision})`;
  const current = podHash === undefined || currentHash === undefined ? undefined : podCurrency(podHash, currentHash, revision, replicaSets);
  return {
    ...(current === undefined ? {} : { current }),
    ...(podRevision === undefined ? {} : { podRevision }),
    ...(workloadRevision === undefined ? {} : { workloadRevision }),
    ...(rollout === undefined ? {} : { rollout }),
  };
}

/**
 * Whether a pod with `podHash` runs the Deployment's current template. A pod of another hash is old
 * only when its ReplicaSet is known and of an earlier revision: a pod whose ReplicaSet was not listed,
 * or is of a later revision than the Deployment read (the lists are not one snapshot: a rollout that
 * started between the Deployment's list and the Pods' shows exactly this), cannot be called old.
 */
function podCurrency(podHash: string, currentHash: string, revision: string | undefined, replicaSets: readonly Raw[]): boolean | undefined {
  if (podHash === currentHash) return true;
  const podSet = replicaSets.find((set) => templateHash(set) === podHash);
  const podRevision = podSet === undefined ? undefined : Number(asString(annotations(podSet)[REVISION]));
  const workloadRevision = Number(revision);
  if (podRevision === undefined || !Number.isFinite(podRevision) || !Number.isFinite(workloadRevision)) return undefined;
  return podRevision < workloadRevision ? false : undefined;
}

/**
 * A Deployment's rollout, as `kubectl rollout status` and the controller report it: the spec not yet
 * observed (`metadata.generation` > `status.observedGeneration`) or a Progressing condition whose
 * reason says pods are being replaced is `in-progress`; ProgressDeadlineExceeded is `stalled` (the
 * rollout gave up: its old pods stay until someone acts); NewReplicaSetAvailable is `complete`.
 */
export function deploymentRollout(workload: Raw): PodTemplateState['rollout'] {
  if (specUnobserved(workload)) return 'in-progress';
  const status = asRecord(workload['status']);
  const progressing = asArray(status?.['conditions'])
    .map((condition) => asRecord(condition))
    .find((condition) => condition?.['type'] === 'Progressing');
  const reason = asString(progressing?.['reason']);
  if (reason === 'ProgressDeadlineExceeded') return 'stalled';
  if (progressing?.['status'] === 'True' && reason !== undefined && ROLLING_REASONS.has(reason)) return 'in-progress';
  if (reason === 'NewReplicaSetAvailable' || status === undefined) return status === undefined ? undefined : 'complete';
  // No Progressing condition (an old or hand-written object): kubectl rollout status's replica counts.
  const wanted = Number(asRecord(workload['spec'])?.['replicas'] ?? 1);
  const updated = Number(status['updatedReplicas'] ?? 0);
  const pending = updated < wanted || Number(status['replicas'] ?? 0) > updated || Number(status['availableReplicas'] ?? 0) < updated;
  return pending ? 'in-progress' : 'complete';
}

function statefulSetState(pod: Raw, labels: Raw, workload: Raw): PodTemplateState {
  const status = asRecord(workload['status']);
  const podHash = asString(labels['controller-revision-hash']);
  const update = asString(status?.['updateRevision']);
  const strategy = asRecord(asRecord(workload['spec'])?.['updateStrategy']);
  const partition = Number(asRecord(strategy?.['rollingUpdate'])?.['partition'] ?? 0);
  const ordinal = Number(/-(\d+)$/.exec(asString(asRecord(pod['metadata'])?.['name']) ?? '')?.[1] ?? Number.NaN);
  // Pods below the partition keep the old revision by design (a staged rollout).
  const heldBack = strategy?.['type'] !== 'OnDelete' && partition > 0 && ordinal < partition;
  let rollout: PodTemplateState['rollout'];
  if (specUnobserved(workload)) rollout = 'in-progress';
  // OnDelete: the controller never replaces a pod; an old one stays until it is deleted.
  else if (strategy?.['type'] === 'OnDelete') rollout = 'complete';
  else if (status !== undefined) rollout = asString(status['currentRevision']) !== update ? 'in-progress' : 'complete';
  return {
    ...(podHash === undefined || update === undefined || heldBack ? {} : { current: podHash === update }),
    ...(podHash === undefined ? {} : { podRevision: `controller-revision-hash=${podHash}` }),
    ...(update === undefined ? {} : { workloadRevision: `controller-revision-hash=${update} (status.updateRevision)` }),
    ...(rollout === undefined ? {} : { rollout }),
  };
}

function daemonSetState(labels: Raw, workload: Raw): PodTemplateState {
  const status = asRecord(workload['status']);
  const podGeneration = asString(labels['pod-template-generation']);
  const generation = asString(annotations(workload)[DS_GENERATION]);
  const strategy = asRecord(asRecord(workload['spec'])?.['updateStrategy']);
  let rollout: PodTemplateState['rollout'];
  if (specUnobserved(workload)) rollout = 'in-progress';
  else if (strategy?.['type'] === 'OnDelete') rollout = 'complete';
  else if (status !== undefined) {
    const desired = Number(status['desiredNumberScheduled'] ?? 0);
    const updated = Number(status['updatedNumberScheduled'] ?? 0);
    rollout = updated < desired ? 'in-progress' : 'complete';
  }
  return {
    ...(podGeneration === undefined || generation === undefined ? {} : { current: podGeneration === generation }),
    ...(podGeneration === undefined ? {} : { podRevision: `pod-template-generation=${podGeneration}` }),
    ...(generation === undefined ? {} : { workloadRevision: `pod-template-generation=${generation} (${DS_GENERATION})` }),
    ...(rollout === undefined ? {} : { rollout }),
  };
}

function specUnobserved(workload: Raw): boolean {
  const generation = Number(asRecord(workload['metadata'])?.['generation']);
  const observed = Number(asRecord(workload['status'])?.['observedGeneration']);
  return Number.isFinite(generation) && Number.isFinite(observed) && generation > observed;
}

function annotations(object: Raw): Raw {
  return asRecord(asRecord(object['metadata'])?.['annotations']) ?? {};
}

function templateHash(replicaSet: Raw): string | undefined {
  const own = asString(asRecord(asRecord(replicaSet['metadata'])?.['labels'])?.['pod-template-hash']);
  if (own !== undefined) return own;
  const template = asRecord(asRecord(replicaSet['spec'])?.['template']);
  return asString(asRecord(asRecord(template?.['metadata'])?.['labels'])?.['pod-template-hash']);
}

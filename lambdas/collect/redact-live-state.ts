import type { Baseline } from '../engine/model.js';
import { sourceKinds } from '../sources/registry.js';
import { LIVE_STATE_SCHEMA, type LiveState } from './live-state.js';

export { redactSsmRecord } from '../sources/ssm/persist-ssm-records.js';

/**
 * The live state as it may be stored between scheduled runs: each kind's part as its reader's
 * `persist` keeps it (SSM records, none holding the value of a secret key), and nothing of a kind
 * that keeps nothing.
 *
 * Kubernetes objects are dropped: the next run reads only the SSM records back (EKS is always read in
 * full), and the objects carry literal env values, ConfigMap data and the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation. See `persistSsmRecords` for how SSM
 * records of secret keys are kept.
 */
export function redactLiveState(state: LiveState, baseline: Baseline): LiveState {
  const parts: Record<string, unknown> = { ssm: {}, kubernetes: {} };
  for (const kind of sourceKinds.all) {
    const statePart = kind.live?.statePart;
    const part = statePart === undefined ? undefined : (state[statePart] as Readonly<Record<string, unknown>> | undefined);
    if (statePart === undefined || part === undefined || kind.live?.persist === undefined) continue;
    parts[statePart] = kind.live.persist(part, baseline);
  }
  // The parts hold what each kind's persist returned for its own part.
  return { ...parts, schema: LIVE_STATE_SCHEMA, takenAt: state.takenAt } as LiveState;
}

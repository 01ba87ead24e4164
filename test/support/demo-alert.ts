import { loadBaselineDir } from '../../lambdas/baseline/load-baseline-dir.js';
import { analyse } from '../../lambdas/engine/analyse/analyse.js';
import { reconcile } from '../../lambdas/engine/lifecycle/reconcile.js';
import type { Transition } from '../../lambdas/engine/model.js';
import { buildRunMessage, type RunMessage } from '../../lambdas/sinks/alerts/run-message.js';
import { readSnapshots } from '../../lambdas/sources/files/snapshot-dir.js';
import { sampleRun, zeroCounts } from './sample-findings.js';

/** The demo estate (`config/`, `config/snapshots/`) as the first scheduled run would alert it: every finding opened. */
export async function demoAlert(root = 'config'): Promise<{ readonly message: RunMessage; readonly transitions: readonly Transition[] }> {
  const loaded = loadBaselineDir(root);
  if (!loaded.ok) throw new Error(`the demo baseline in ${root} does not load: ${loaded.issues.map((issue) => issue.message).join('; ')}`);
  const now = new Date('2026-11-23T12:00:09.000Z');
  const snapshots = await readSnapshots(loaded.baseline, `${root}/snapshots`);
  const result = analyse({ baseline: loaded.baseline, snapshots, now });
  const { transitions } = reconcile({ previous: [], current: result, snapshots, runId: 'run-demo', now });
  const counts = { ...zeroCounts() };
  for (const finding of result.findings) counts[finding.type] += 1;
  const kinds = { opened: 0, changed: 0, escalated: 0, resolved: 0 };
  for (const transition of transitions) kinds[transition.kind] += 1;
  const run = sampleRun({ environments: loaded.baseline.environments.map((environment) => environment.name), counts, transitions: kinds });
  const message = buildRunMessage(run, transitions, { bucket: 'drift-audit-reports', key: 'reports/2026/11/23/run-demo.html', region: 'eu-west-1' });
  if (message === undefined) throw new Error('the demo estate raised no transition');
  return { message, transitions };
}

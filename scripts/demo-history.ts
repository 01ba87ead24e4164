/**
 * Writes the demo estate's drift history (`config/history/<region>.json`), the files
 * `drift-audit report config --history config/history/us-east-1.json ...` renders as a timeline.
 *
 * Not invented JSON: four scheduled runs of the demo estate go through the real lifecycle
 * (`reconcile`), the way the Lambda records them, and the transitions are folded by the same
 * `buildRegionTimeline` that `drift-audit history --region R --json` prints. The earlier runs see
 * the estate as it was before some of today's drift: a rollout flag not yet set by hand, a timeout
 * first raised to a lower value, a log level changed and then put back.
 *
 * Run: `npx tsx scripts/demo-history.ts` (deterministic: the clock is fixed).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyse } from '../lambdas/engine/analyse/analyse.js';
import type { FindingState } from '../lambdas/engine/lifecycle/finding-state.js';
import { reconcile } from '../lambdas/engine/lifecycle/reconcile.js';
import type { Finding, Transition } from '../lambdas/engine/model.js';
import { HISTORY_JSON_SCHEMA } from '../lambdas/sinks/history/history-cli.js';
import { buildRegionTimeline } from '../lambdas/sinks/history/history-queries.js';
import { loadBaselineDir } from '../lambdas/baseline/load-baseline-dir.js';
import { readSnapshots } from '../lambdas/sources/files/snapshot-dir.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const root = join(import.meta.dirname, '..');

const loaded = loadBaselineDir(join(root, 'config'));
if (!loaded.ok) throw new Error('the demo baseline does not parse: run drift-audit baseline validate config');
const baseline = loaded.baseline;
const snapshots = await readSnapshots(baseline, join(root, 'config', 'snapshots'));
const today = analyse({ baseline, snapshots, now: NOW });

const byKey = (key: string, environment: string) => (f: Finding) => f.key === key && f.environment === environment;
const without = (findings: readonly Finding[], ...drop: ((f: Finding) => boolean)[]) => findings.filter((f) => !drop.some((d) => d(f)));
const logLevel = (text: string): Finding => ({
  id: 'changed:production-eu:api:LOG_LEVEL',
  type: 'changed',
  severity: 'medium',
  environment: 'production-eu',
  tier: 'production',
  region: 'eu-west-1',
  application: 'api',
  key: 'LOG_LEVEL',
  expected: { text: 'info', secret: false },
  actual: { text, secret: false },
  message: `LOG_LEVEL is ${text} in production-eu; the baseline says info.`,
  provenance: [],
  fixes: {},
});
const lowered = (f: Finding): Finding => (f.key === 'API_TIMEOUT' ? { ...f, severity: 'medium' } : f);

/** What each earlier run found: today's drift as it built up. */
const runs: { at: Date; findings: readonly Finding[] }[] = [
  {
    at: new Date(NOW.getTime() - 12 * DAY),
    findings: [
      ...without(
        today.findings,
        byKey('CHECKOUT_ROLLOUT_PERCENT', 'production-eu'),
        byKey('ENABLE_NEW_CHECKOUT', 'production-eu'),
        (f) => f.type === 'version',
      ).map(lowered),
      logLevel('debug'),
    ],
  },
  {
    at: new Date(NOW.getTime() - 8 * DAY),
    findings: [...without(today.findings, (f) => f.type === 'version').map(lowered), logLevel('trace')],
  },
  { at: new Date(NOW.getTime() - 4 * DAY), findings: today.findings.map(lowered) },
  { at: new Date(NOW.getTime() - 3_600_000), findings: today.findings },
];

let previous: FindingState[] = [];
const transitions: Transition[] = [];
for (const [index, run] of runs.entries()) {
  const out = reconcile({
    previous,
    current: { findings: run.findings, completeEnvironments: today.completeEnvironments },
    snapshots,
    declaredEnvironments: baseline.environments.map((e) => e.name),
    runId: `demo-run-${index + 1}`,
    now: run.at,
  });
  transitions.push(...out.transitions);
  previous = out.next;
}

const since = new Date(NOW.getTime() - 14 * DAY).toISOString();
const regions = [...new Set(transitions.map((t) => t.finding.region ?? 'unknown'))].sort();
mkdirSync(join(root, 'config', 'history'), { recursive: true });
for (const region of regions) {
  const findings = buildRegionTimeline(transitions.filter((t) => (t.finding.region ?? 'unknown') === region));
  const document = { schema: HISTORY_JSON_SCHEMA, table: 'demo', region, since, until: NOW.toISOString(), findings };
  writeFileSync(join(root, 'config', 'history', `${region}.json`), `${JSON.stringify(document, null, 2)}\n`);
  console.log(`config/history/${region}.json: ${findings.length} drifts`);
}

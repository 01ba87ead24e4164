/**
 * Engine benchmark: `analyse` on a synthetic estate (N keys x E environments, one Parameter Store
 * observation per key and environment) beside a raw loop doing the least any drift check must do
 * with the same data: hold each environment's live values in a plain `Map`, then compare every
 * declared value with it. Both run in the same process on the same inputs, so the ratio is a fair
 * measure of what the engine's features cost on top of the comparison itself.
 *
 * `npx tsx bench/engine-bench.ts [--keys N] [--environments E] [--drift R]` prints the figures;
 * `npm run bench` (bench/run.ts) calls {@link runEngineBench}.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { analyse } from '../lambdas/engine/analyse/analyse.js';
import { DEFAULT_PRECEDENCE, type Baseline, type EnvironmentSpec, type Observation, type SettingSpec, type Snapshot } from '../lambdas/engine/model.js';

/** Size of the synthetic estate. */
export interface EngineBenchOptions {
  readonly keys: number;
  readonly environments: number;
  /** Share of (environment, key) values that drift. @default 0.01 */
  readonly driftRatio?: number;
}

/** What one run measured. */
export interface EngineBenchFigures {
  /** Best of the timed runs of `analyse`. */
  readonly engineMs: number;
  /** Best of the timed runs of the raw Map loop. */
  readonly rawLoopMs: number;
  /** engineMs / rawLoopMs; the target is <= 2. */
  readonly ratio: number;
  /** Heap grown during one `analyse` (result kept), after a GC when `--expose-gc` is on. */
  readonly engineHeapMB: number;
  /** Heap grown during one raw loop. */
  readonly rawHeapMB: number;
  /** Findings the engine reported. */
  readonly findings: number;
  /** Mismatches the raw loop counted (the engine's `changed` findings should equal it). */
  readonly rawMismatches: number;
}

interface Estate {
  readonly baseline: Baseline;
  readonly snapshots: Snapshot[];
  /** Expected value per environment, as the raw loop holds it. */
  readonly expected: Map<string, string>[];
}

/** A small deterministic PRNG (mulberry32), so every run audits the same estate. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the synthetic estate: every tenth setting declares a per-tier difference, every tenth is an
 * integer with a range, the rest are plain shared strings; `driftRatio` of the live values differ.
 */
export function buildEstate(options: EngineBenchOptions): Estate {
  const { keys, environments: envCount } = options;
  const driftRatio = options.driftRatio ?? 0.01;
  const next = random(42);
  const environments: EnvironmentSpec[] = [];
  for (let e = 0; e < envCount; e += 1) {
    const name = `env-${String(e).padStart(2, '0')}`;
    environments.push({
      name,
      tier: e < 2 ? 'staging' : 'production',
      region: 'eu-west-1',
      precedence: DEFAULT_PRECEDENCE,
      sources: [{ kind: 'ssm', path: `/${name}/app/`, keyStyle: 'env' }],
    });
  }
  const settings = new Map<string, SettingSpec>();
  const keyNames: string[] = [];
  for (let i = 0; i < keys; i += 1) {
    const key = `SETTING_${String(i).padStart(6, '0')}`;
    keyNames.push(key);
    const typed = i % 10 === 3;
    settings.set(key, {
      key,
      value: typed ? String(i % 1000) : `value-${i}`,
      perEnvironment: {},
      perTier: i % 10 === 7 ? { staging: `staging-${i}` } : {},
      constraints: typed ? { type: 'integer', min: 0, max: 100_000 } : {},
      scopedConstraints: {},
      secret: false,
      required: true,
      parity: 'none',
    });
  }
  const expected: Map<string, string>[] = [];
  const snapshots: Snapshot[] = [];
  for (const env of environments) {
    const wanted = new Map<string, string>();
    const observations: Observation[] = [];
    for (const key of keyNames) {
      const setting = settings.get(key) as SettingSpec;
      const value = setting.perTier[env.tier] ?? setting.value ?? '';
      wanted.set(key, value);
      const live = next() < driftRatio ? `${value}-drift` : value;
      const name = `/${env.name}/app/${key}`;
      observations.push({
        key,
        // Every real observation names its application: the engine's scoped-key cost is in the figure.
        application: 'app',
        value: { kind: 'plain', value: live },
        provenance: {
          source: 'ssm',
          layer: 'ssm',
          location: name,
          version: '3',
          region: 'eu-west-1',
          changedBy: 'arn:aws:sts::1:assumed-role/deploy/x',
          target: { kind: 'ssm-parameter', name, type: 'String' },
        },
      });
    }
    expected.push(wanted);
    snapshots.push({
      environment: env.name,
      observations,
      images: [],
      sources: [{ id: `ssm:eu-west-1:/${env.name}/app/`, kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount: keys }],
    });
  }
  const baseline: Baseline = {
    environments,
    settings,
    ignore: [],
    unmanaged: { policy: 'report', severity: 'low' },
    exceptions: [],
    defaultSeverity: 'medium',
    attribution: { outOfBandManagers: ['kubectl-set'], pipelinePrincipals: [] },
    files: ['baseline.yaml'],
  };
  return { baseline, snapshots, expected };
}

/**
 * The raw loop: per environment, put every live value in a `Map` (the data arrives as an array, as it
 * does for the engine), then compare each expected value with it and count the mismatches.
 */
export function rawLoop(estate: Estate): number {
  let mismatches = 0;
  for (let e = 0; e < estate.snapshots.length; e += 1) {
    const snapshot = estate.snapshots[e] as Snapshot;
    const live = new Map<string, string>();
    for (const observation of snapshot.observations) {
      if (observation.value.kind === 'plain') live.set(observation.key, observation.value.value);
    }
    for (const [key, value] of estate.expected[e] as Map<string, string>) {
      if (live.get(key) !== value) mismatches += 1;
    }
  }
  return mismatches;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapMB(): number {
  return process.memoryUsage().heapUsed / 1_048_576;
}

/** Runs each contender a few times (best time wins, to see past the machine's noise) and measures heap once. */
export async function runEngineBench(options: EngineBenchOptions): Promise<EngineBenchFigures> {
  const estate = buildEstate(options);
  const now = new Date('2026-11-23T12:00:00Z');
  const rounds = 5;
  let engineMs = Number.POSITIVE_INFINITY;
  let rawLoopMs = Number.POSITIVE_INFINITY;
  let findings = 0;
  let rawMismatches = 0;
  // Warm both up once so neither pays for JIT compilation in its timed runs.
  rawLoop(estate);
  analyse({ baseline: estate.baseline, snapshots: estate.snapshots, now });
  for (let round = 0; round < rounds; round += 1) {
    gc?.();
    let start = performance.now();
    rawMismatches = rawLoop(estate);
    rawLoopMs = Math.min(rawLoopMs, performance.now() - start);
    gc?.();
    start = performance.now();
    findings = analyse({ baseline: estate.baseline, snapshots: estate.snapshots, now }).findings.length;
    engineMs = Math.min(engineMs, performance.now() - start);
    await new Promise((resolve) => setImmediate(resolve));
  }
  gc?.();
  let before = heapMB();
  rawLoop(estate);
  const rawHeapMB = Math.max(0, heapMB() - before);
  gc?.();
  before = heapMB();
  const result = analyse({ baseline: estate.baseline, snapshots: estate.snapshots, now });
  const engineHeapMB = Math.max(0, heapMB() - before);
  if (result.findings.length !== findings) throw new Error('internal: the engine gave different results on the same input');
  return { engineMs, rawLoopMs, ratio: engineMs / rawLoopMs, engineHeapMB, rawHeapMB, findings, rawMismatches };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      keys: { type: 'string', default: '100000' },
      environments: { type: 'string', default: '10' },
      drift: { type: 'string', default: '0.01' },
    },
  });
  const keys = Number(values.keys);
  const environments = Number(values.environments);
  const figures = await runEngineBench({ keys, environments, driftRatio: Number(values.drift) });
  console.log(`engine: ${keys.toLocaleString('en')} keys x ${environments} environments (${(keys * environments).toLocaleString('en')} observations)`);
  console.log(`engine analyse  ${figures.engineMs.toFixed(0)} ms, heap +${figures.engineHeapMB.toFixed(0)} MB, ${figures.findings} findings`);
  console.log(`raw Map loop    ${figures.rawLoopMs.toFixed(0)} ms, heap +${figures.rawHeapMB.toFixed(0)} MB, ${figures.rawMismatches} mismatches`);
  console.log(`ratio           ${figures.ratio.toFixed(2)}x (target <= 2x) ${figures.ratio <= 2 ? 'MET' : 'NOT MET'}`);
  if (gc === undefined) console.log('(heap figures without a forced GC; run with node --expose-gc for steadier ones)');
}

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
import { kubernetesObjectsToObservations } from '../lambdas/sources/kubernetes/index.js';
import { podsPayload } from '../lambdas/sources/kubernetes/views/pods/pods-payload.js';
import { buildKubeEstate } from './kube-estate.js';

/** Size of the synthetic estate. */
export interface EngineBenchOptions {
  readonly keys: number;
  readonly environments: number;
  /** Share of (environment, key) values that drift. @default 0.01 */
  readonly driftRatio?: number;
  /**
   * Deployments per environment (3 containers, HPA, PDB, 3 pods each), read by the real Kubernetes
   * reader: their k8s: shape keys (replicas are HPA-owned, resources, probes, hpa, pdb) and env join the
   * estate, their pods the snapshot. @default keys / 200 (500 for 100,000 keys)
   */
  readonly workloads?: number;
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
  /** Mismatches the raw loop counted (declared keys against the baseline, k8s: keys within a tier). */
  readonly rawMismatches: number;
  /** Observations per environment: SSM keys plus what the workloads yield. */
  readonly observationsPerEnvironment: number;
  /** k8s: shape observations per environment. */
  readonly shapeObservationsPerEnvironment: number;
  /** Pods per environment. */
  readonly podsPerEnvironment: number;
}

interface Estate {
  readonly baseline: Baseline;
  readonly snapshots: Snapshot[];
  /** Expected value per environment, as the raw loop holds it. */
  readonly expected: Map<string, string>[];
}

/** The workload observations and pods of one environment, as the Kubernetes reader yields them. */
function workloadPart(env: EnvironmentSpec, index: number, workloads: number): { observations: Observation[]; pods: Snapshot['pods'] } {
  if (workloads === 0) return { observations: [], pods: [] };
  const { list } = buildKubeEstate({ workloads, variant: index });
  const read = kubernetesObjectsToObservations([list], { namespaces: ['apps'], cluster: env.name, region: env.region ?? 'eu-west-1' });
  return { observations: read.observations, pods: podsPayload(read.payloads) };
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
  const workloads = options.workloads ?? Math.floor(keys / 200);
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
    const part = workloadPart(env, environments.indexOf(env), workloads);
    observations.push(...part.observations);
    snapshots.push({
      environment: env.name,
      observations,
      ...(part.pods === undefined || part.pods.length === 0 ? {} : { pods: part.pods }),
      images: [],
      sources: [
        { id: `ssm:eu-west-1:/${env.name}/app/`, kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount: keys },
        ...(workloads === 0
          ? []
          : [
              {
                id: `eks:${env.name}/apps`,
                kind: 'eks' as const,
                layers: ['env' as const, 'configmap' as const, 'workload' as const],
                status: 'ok' as const,
                itemCount: workloads,
              },
            ]),
      ],
    });
  }
  const baseline: Baseline = {
    environments,
    settings,
    ignore: [],
    // The default policy: the workloads' undeclared env keys are compared across environments.
    unmanaged: { policy: 'compare', severity: 'low' },
    exceptions: [],
    defaultSeverity: 'medium',
    attribution: { outOfBandManagers: ['kubectl-set'], pipelinePrincipals: [] },
    files: ['baseline.yaml'],
  };
  return { baseline, snapshots, expected };
}

/**
 * The raw loop: per environment, put every live value in a `Map` (the data arrives as an array, as it
 * does for the engine), then compare each expected value with it and count the mismatches; and
 * compare each undeclared workload key (`application` + key) with the first environment (k8s: keys:
 * the first of its tier), as the default `unmanaged: compare` policy does.
 */
export function rawLoop(estate: Estate): number {
  let mismatches = 0;
  const tierReference = new Map<string, Map<string, string>>();
  let allReference: Map<string, string> | undefined;
  for (let e = 0; e < estate.snapshots.length; e += 1) {
    const snapshot = estate.snapshots[e] as Snapshot;
    const tier = estate.baseline.environments[e]?.tier ?? '';
    const live = new Map<string, string>();
    const workload = new Map<string, string>();
    const undeclared = new Map<string, string>();
    const declared = estate.expected[e] as Map<string, string>;
    for (const observation of snapshot.observations) {
      if (observation.value.kind !== 'plain') continue;
      const scoped = `${observation.application ?? ''}\u0000${observation.key}`;
      if (observation.key.startsWith('k8s:')) workload.set(scoped, observation.value.value);
      else if (declared.has(observation.key)) live.set(observation.key, observation.value.value);
      else undeclared.set(scoped, observation.value.value);
    }
    if (allReference === undefined) allReference = undeclared;
    else for (const [key, value] of undeclared) if (allReference.get(key) !== value) mismatches += 1;
    for (const [key, value] of estate.expected[e] as Map<string, string>) {
      if (live.get(key) !== value) mismatches += 1;
    }
    const reference = tierReference.get(tier);
    if (reference === undefined) tierReference.set(tier, workload);
    else for (const [key, value] of workload) if (reference.get(key) !== value) mismatches += 1;
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
  const first = estate.snapshots[0];
  return {
    engineMs,
    rawLoopMs,
    ratio: engineMs / rawLoopMs,
    engineHeapMB,
    rawHeapMB,
    findings,
    rawMismatches,
    observationsPerEnvironment: first?.observations.length ?? 0,
    shapeObservationsPerEnvironment: first?.observations.filter((observation) => observation.key.startsWith('k8s:')).length ?? 0,
    podsPerEnvironment: first?.pods?.length ?? 0,
  };
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

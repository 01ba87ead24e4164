import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { explain } from '../../../../lambdas/engine/analyse/explain.js';
import { resolveExpected } from '../../../../lambdas/engine/analyse/expected-value.js';
import { SECRET_KEY_PATTERN } from '../../../../lambdas/engine/analyse/show-value.js';
import type {
  Baseline,
  EnvironmentSpec,
  ExceptionSpec,
  ImageObservation,
  Observation,
  SettingSpec,
  Snapshot,
  SourceLayer,
} from '../../../../lambdas/engine/model.js';
import {
  baseline,
  configMapValue,
  defaultSources,
  envVar,
  environment,
  exception,
  failedSource,
  fileValue,
  image,
  secretRef,
  setting,
  snapshot,
  ssmValue,
} from './builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const ENVIRONMENTS: readonly EnvironmentSpec[] = [
  environment('staging', 'staging'),
  environment('prod-us', 'production'),
  environment('prod-eu', 'production'),
];
const KEYS = ['A', 'B', 'C', 'LOG_LEVEL', 'POOL', 'API_TOKEN', 'DB_PASSWORD'] as const;
const VALUES = ['1', '2', '3', '01', 'x'] as const;
const LAYERS: readonly SourceLayer[] = ['file', 'env', 'configmap', 'secret', 'ssm'];

/** One observation, described by what a test varies. */
interface ObservationSpec {
  readonly key: string;
  readonly layer: SourceLayer;
  readonly value: string;
  readonly workload: string;
  readonly changedBy: string | undefined;
}

function observe(env: string, spec: ObservationSpec): Observation {
  const change = spec.changedBy === undefined ? {} : { changedBy: spec.changedBy };
  switch (spec.layer) {
    case 'ssm':
      return ssmValue(env, spec.key, spec.value, change);
    case 'env':
      return envVar(spec.key, spec.value, { ...change, workload: spec.workload });
    case 'configmap':
      return configMapValue(spec.key, spec.value, change);
    case 'secret':
      return secretRef(spec.key, 'app-secrets', { ...change, workload: spec.workload });
    case 'file':
      return fileValue(spec.key, spec.value);
    case 'workload':
      throw new Error('LAYERS generates no workload observations');
  }
}

const observationSpec = fc.record({
  key: fc.constantFrom(...KEYS, 'STRAY', 'IGNORED_X'),
  layer: fc.constantFrom(...LAYERS),
  value: fc.constantFrom(...VALUES),
  workload: fc.constantFrom('deployment/api', 'deployment/worker'),
  changedBy: fc.constantFrom(undefined, 'kubectl-set', 'helm', 'arn:aws:iam::1:user/bob', 'role/deploy-pipeline'),
});

const settingArb = (key: string): fc.Arbitrary<SettingSpec> =>
  fc
    .record({
      value: fc.option(fc.constantFrom(...VALUES), { nil: undefined }),
      production: fc.option(fc.option(fc.constantFrom(...VALUES), { nil: null }), { nil: undefined }),
      parity: fc.constantFrom('none', 'tier', 'all') as fc.Arbitrary<SettingSpec['parity']>,
      secret: fc.boolean(),
      required: fc.boolean(),
      typed: fc.constantFrom('none', 'integer', 'enum'),
    })
    .map((r) =>
      setting(key, {
        ...(r.value === undefined ? {} : { value: r.value }),
        perTier: r.production === undefined ? {} : { production: r.production },
        parity: r.parity,
        secret: r.secret,
        required: r.required,
        constraints: r.typed === 'integer' ? { type: 'integer', max: 2 } : r.typed === 'enum' ? { enum: ['1', '2'] } : {},
      }),
    );

const exceptionArb: fc.Arbitrary<ExceptionSpec> = fc
  .record({
    key: fc.constantFrom(...KEYS),
    scope: fc.constantFrom('prod-us', 'production', 'everywhere'),
    value: fc.option(fc.constantFrom(...VALUES), { nil: undefined }),
    expires: fc.constantFrom('2026-01-01', '2026-11-23', '2099-01-01'),
  })
  .map((r) =>
    exception(r.key, {
      ...(r.scope === 'prod-us' ? { environment: 'prod-us' } : r.scope === 'production' ? { tier: 'production' } : {}),
      ...(r.value === undefined ? {} : { value: r.value }),
      expires: r.expires,
    }),
  );

/** A random estate: some settings, exceptions, observations, images, and now and then a failed source. */
const estateArb = fc
  .record({
    settings: fc.subarray([...KEYS]).chain((keys) => fc.tuple(...keys.map(settingArb))),
    exceptions: fc.array(exceptionArb, { maxLength: 3 }),
    observations: fc.tuple(...ENVIRONMENTS.map(() => fc.array(observationSpec, { maxLength: 12 }))),
    tags: fc.tuple(...ENVIRONMENTS.map(() => fc.constantFrom('1.0', '1.1', undefined))),
    failed: fc.constantFrom(undefined, 'staging', 'prod-eu'),
    failedLayer: fc.constantFrom<SourceLayer>('ssm', 'env', 'file'),
  })
  .map((r) => {
    const base = baseline({ environments: ENVIRONMENTS, settings: r.settings, exceptions: r.exceptions, ignore: ['IGNORED_*'] });
    const snapshots = ENVIRONMENTS.map((env, index) => {
      const tag = r.tags[index];
      const images: ImageObservation[] = tag === undefined ? [] : [image('repo/api', tag)];
      const sources =
        r.failed === env.name ? [...defaultSources(env.name), failedSource(`extra:${env.name}`, 'file', [r.failedLayer])] : defaultSources(env.name);
      return snapshot(
        env.name,
        (r.observations[index] ?? []).map((o) => observe(env.name, o)),
        { images, sources },
      );
    });
    return { base, snapshots };
  });

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('Property: analyse is deterministic', () => {
  it('gives an identical result whatever order observations, images and snapshots arrive in', () => {
    fc.assert(
      fc.property(estateArb, fc.integer(), ({ base, snapshots }, seed) => {
        // Prepare
        const reordered: Snapshot[] = shuffled(snapshots, seed).map((s, i) => ({
          ...s,
          observations: shuffled(s.observations, seed + i + 1),
          images: shuffled(s.images, seed + i + 7),
        }));

        // Act
        const first = analyse({ baseline: base, snapshots, now: NOW });
        const second = analyse({ baseline: base, snapshots: reordered, now: NOW });

        // Assess
        expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      }),
      { numRuns: 300 },
    );
  });
});

describe('Property: no finding without a cause', () => {
  /** Live state built from what the baseline expects, plus one shared value per parity setting. */
  function matchingSnapshots(base: Baseline): Snapshot[] {
    return base.environments.map((env) => {
      const observations: Observation[] = [];
      for (const spec of base.settings.values()) {
        const expected = resolveExpected(spec, env).value;
        const value = expected === undefined ? (spec.required || spec.parity !== 'none' ? 'shared' : undefined) : expected;
        if (value === null || value === undefined) continue;
        observations.push(spec.secret ? secretRef(spec.key, 'app-secrets') : ssmValue(env.name, spec.key, value));
      }
      return snapshot(env.name, observations, { images: [image('repo/api', '2.0')] });
    });
  }

  it('finds nothing in an estate that is exactly what the baseline declares', () => {
    fc.assert(
      fc.property(estateArb, ({ base }) => {
        // Prepare: constraints hold for every declared value in this property, so drop them.
        const settings = [...base.settings.values()].map((s) => ({ ...s, constraints: {} }));
        const clean = baseline({ environments: base.environments, settings, exceptions: base.exceptions });

        // Act
        const result = analyse({ baseline: clean, snapshots: matchingSnapshots(clean), now: NOW });

        // Assess
        expect(result.findings).toEqual([]);
        expect(result.status).toBe('ok');
      }),
      { numRuns: 300 },
    );
  });

  it('only reports keys that are declared or observed, in the environment reported', () => {
    fc.assert(
      fc.property(estateArb, ({ base, snapshots }) => {
        // Act
        const result = analyse({ baseline: base, snapshots, now: NOW });

        // Assess
        for (const finding of result.findings) {
          // A group finding (a parity tie) names every member environment: `prod-eu+prod-us`.
          const members = finding.environment.split('+');
          const snap = snapshots.find((s) => members.includes(s.environment));
          expect(snap).toBeDefined();
          if (members.length > 1) {
            const observedInGroup = snapshots.some((s) => members.includes(s.environment) && s.observations.some((o) => o.key === finding.key));
            expect(base.settings.has(finding.key) || observedInGroup).toBe(true);
            continue;
          }
          if (finding.type === 'source-error') {
            expect(snap?.sources.some((s) => s.id === finding.key && s.status === 'error')).toBe(true);
          } else if (finding.type === 'version') {
            expect(snap?.images.some((i) => `${i.workload}/${i.container}` === finding.key)).toBe(true);
          } else {
            const observed = snap?.observations.some((o) => o.key === finding.key) ?? false;
            expect(base.settings.has(finding.key) || observed).toBe(true);
            // A value-level finding that is not about absence points at the observation that caused it.
            if (finding.type !== 'missing' && finding.actual !== undefined) expect(observed).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('Property: secret canary', () => {
  const canaryArb = fc.stringMatching(/^[a-z0-9]{16}$/).map((s) => `cnry${s}`);

  it('never lets a secret value reach a finding or an explanation', () => {
    fc.assert(
      fc.property(estateArb, canaryArb, fc.constantFrom(...LAYERS), ({ base, snapshots }, canary, layer) => {
        // Prepare: the canary as the declared value of a secret setting, an exception's value for it,
        // a live value of it, and the value of an undeclared secret-looking key.
        // Declared secret-looking keys are secret, as the baseline parser makes them unless the setting
        // opts out with `secret: false` (then its value is, by the baseline's word, not a secret).
        const settings = [
          ...[...base.settings.values()].filter((s) => s.key !== 'VAULT_DSN').map((s) => (SECRET_KEY_PATTERN.test(s.key) ? { ...s, secret: true } : s)),
          setting('VAULT_DSN', { value: canary, perTier: { production: canary }, secret: true, parity: 'all' }),
        ];
        const withCanary = baseline({
          environments: base.environments,
          settings,
          exceptions: [...base.exceptions, exception('VAULT_DSN', { value: canary, expires: '2026-01-01' })],
          ignore: base.ignore,
        });
        const leaky: Snapshot[] = snapshots.map((s, i) => ({
          ...s,
          observations: [
            ...s.observations,
            observe(s.environment, { key: 'VAULT_DSN', layer, value: canary, workload: 'deployment/api', changedBy: undefined }),
            envVar(i % 2 === 0 ? 'PAYMENT_API_KEY' : 'SESSION_SECRET', canary),
            ssmValue(s.environment, 'DB_PASSWORD', canary, { secure: i === 0 }),
            configMapValue('API_TOKEN', `${canary}-${i}`),
          ],
        }));

        // Act
        const result = analyse({ baseline: withCanary, snapshots: leaky, now: NOW });
        const explanations = withCanary.environments.flatMap((env) =>
          ['VAULT_DSN', 'PAYMENT_API_KEY', 'SESSION_SECRET', 'DB_PASSWORD', 'API_TOKEN'].map((key) =>
            explain({ baseline: withCanary, snapshots: leaky, now: NOW, environment: env.name, key }),
          ),
        );

        // Assess
        expect(JSON.stringify(result)).not.toContain(canary);
        expect(JSON.stringify(explanations)).not.toContain(canary);
      }),
      { numRuns: 200 },
    );
  });
});

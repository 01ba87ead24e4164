import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../../lambdas/engine/model.js';
import { expandEnvReferences } from '../../../../lambdas/sources/kubernetes/expand-env-references.js';
import { envView } from '../../../../lambdas/sources/kubernetes/views/env/env-view.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';

/** These tests specify the env view: the shape views' `k8s:` keys are theirs to test. */
const ENV_ONLY = [envView];

/** A Deployment with the given containers, and ConfigMaps by name. */
function estate(containers: unknown[], configMaps: Record<string, Record<string, string>> = {}, extra: Record<string, unknown> = {}): unknown[] {
  return [
    {
      kind: 'Deployment',
      metadata: { name: 'api-server', namespace: 'api' },
      spec: { template: { metadata: extra['templateMetadata'] ?? {}, spec: { containers, volumes: extra['volumes'] ?? [] } } },
    },
    ...Object.entries(configMaps).map(([name, data]) => ({ kind: 'ConfigMap', metadata: { name, namespace: 'api' }, data })),
  ];
}

function read(objects: unknown[], applications?: Record<string, string>): Observation[] {
  return kubernetesObjectsToObservations(objects, { namespaces: ['api'], ...(applications ? { applications } : {}) }, ENV_ONLY).observations;
}

/** What the process sees: the observations no platform rule overrode. */
function processEnv(observations: readonly Observation[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const o of observations) {
    if (o.overriddenBy !== undefined) continue;
    expect(env[o.key], `${o.key} seen twice as the container's value`).toBeUndefined();
    env[o.key] = o.value.kind === 'plain' ? o.value.value : '[secret]';
  }
  return env;
}

describe('A container environment, as the kubelet builds it', () => {
  it('gives an explicit env entry precedence over the same name from envFrom, and keeps the ConfigMap value as overridden', () => {
    // Prepare: DB_TIMEOUT=10s in env, 60s in the envFrom ConfigMap.
    const observations = read(
      estate([{ name: 'app', env: [{ name: 'DB_TIMEOUT', value: '10s' }], envFrom: [{ configMapRef: { name: 'api-config' } }] }], {
        'api-config': { DB_TIMEOUT: '60s' },
      }),
    );

    // Assess
    expect(processEnv(observations)).toEqual({ DB_TIMEOUT: '10s' });
    const hidden = observations.find((o) => o.overriddenBy !== undefined);
    expect(hidden?.value).toEqual({ kind: 'plain', value: '60s' });
    expect(hidden?.overriddenBy).toContain('beats envFrom');
    expect(hidden?.provenance.target).toEqual({ kind: 'configmap-key', namespace: 'api', configMap: 'api-config', dataKey: 'DB_TIMEOUT' });
  });

  it('lets the last listed envFrom source win among several', () => {
    const observations = read(
      estate([{ name: 'app', envFrom: [{ configMapRef: { name: 'first' } }, { configMapRef: { name: 'second' } }] }], {
        first: { POOL: '5', ONLY_FIRST: 'a' },
        second: { POOL: '50' },
      }),
    );

    expect(processEnv(observations)).toEqual({ POOL: '50', ONLY_FIRST: 'a' });
    expect(observations.find((o) => o.key === 'POOL' && o.overriddenBy !== undefined)?.overriddenBy).toContain('a later envFrom source');
  });

  it('lets a later env entry of the same name win over an earlier one', () => {
    const observations = read(
      estate([
        {
          name: 'app',
          env: [
            { name: 'MODE', value: 'a' },
            { name: 'MODE', value: 'b' },
          ],
        },
      ]),
    );

    expect(processEnv(observations)).toEqual({ MODE: 'b' });
    expect(observations.filter((o) => o.key === 'MODE' && o.overriddenBy !== undefined)).toHaveLength(1);
  });

  it('expands $(VAR) from envFrom and earlier env entries, and leaves later or unknown references as written', () => {
    const observations = read(
      estate(
        [
          {
            name: 'app',
            envFrom: [{ configMapRef: { name: 'db' } }],
            env: [
              { name: 'DB_URL', value: 'postgres://$(DB_HOST):$(DB_PORT)/app' },
              { name: 'EARLY', value: '$(LATE)-x' },
              { name: 'LATE', value: 'late' },
              { name: 'ESCAPED', value: '$$(DB_HOST)' },
              { name: 'SERVICE', value: '$(REDIS_SERVICE_HOST)' },
            ],
          },
        ],
        { db: { DB_HOST: 'db.internal', DB_PORT: '5432' } },
      ),
    );

    expect(processEnv(observations)).toMatchObject({
      DB_URL: 'postgres://db.internal:5432/app',
      EARLY: '$(LATE)-x',
      ESCAPED: '$(DB_HOST)',
      SERVICE: '$(REDIS_SERVICE_HOST)',
    });
  });

  it('leaves a reference to a secret unexpanded, so the template around it is compared and the secret never is', () => {
    const observations = read(
      estate([
        {
          name: 'app',
          env: [
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { name: 'DATABASE_URL', value: 'postgres://app:$(DB_PASSWORD)@db/app' },
          ],
        },
      ]),
    );

    expect(observations.find((o) => o.key === 'DATABASE_URL')?.value).toEqual({ kind: 'plain', value: 'postgres://app:$(DB_PASSWORD)@db/app' });
  });

  it('never expands a secret-named or secret-shaped variable into another value', () => {
    const observations = read(
      estate([
        {
          name: 'app',
          env: [
            { name: 'MYSQL_ROOT_PASSWORD', value: 'StgHunt3r' },
            { name: 'SIGNING', value: 'Xq7Lm2Np9Rs4Tu6Vw8Yz1Ab3Cd5Ef0Gh' },
            { name: 'MYSQL_OPTS', value: '--password=$(MYSQL_ROOT_PASSWORD)' },
            { name: 'WORKER_ARGS', value: '--sign $(SIGNING) --verbose' },
          ],
        },
      ]),
    );
    const env = processEnv(observations);
    expect(env['MYSQL_OPTS']).toBe('--password=$(MYSQL_ROOT_PASSWORD)');
    expect(env['WORKER_ARGS']).toBe('--sign $(SIGNING) --verbose');
    expect(JSON.stringify(observations.filter((o) => o.key.endsWith('OPTS') || o.key.endsWith('ARGS')))).not.toMatch(/StgHunt3r|Xq7Lm2Np9/);
  });

  it('drops what envFrom set for a name that a fieldRef fills in at runtime', () => {
    const observations = read(
      estate(
        [{ name: 'app', envFrom: [{ configMapRef: { name: 'c' } }], env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }],
        {
          c: { POD_NAME: 'stale' },
        },
      ),
    );

    expect(observations.filter((o) => o.key === 'POD_NAME')).toEqual([]);
  });

  it('observes a mounted ConfigMap as the configmap layer the application reads itself', () => {
    const observations = read(
      estate(
        [{ name: 'app', volumeMounts: [{ name: 'config', mountPath: '/etc/api' }] }],
        { 'api-config': { API_TIMEOUT: '30' } },
        {
          volumes: [{ name: 'config', configMap: { name: 'api-config' } }],
        },
      ),
    );

    expect(observations).toHaveLength(1);
    expect(observations[0]).toMatchObject({
      key: 'API_TIMEOUT',
      application: 'api-server',
      provenance: { layer: 'configmap', location: 'configmap/api-config' },
    });
  });
});

describe('The application of a container', () => {
  const twoContainers = [
    { name: 'app', env: [{ name: 'PORT', value: '8080' }] },
    { name: 'pgbouncer', env: [{ name: 'PORT', value: '6432' }] },
  ];

  it('is the workload for its default container and workload/container for the others, so a sidecar never shadows the app', () => {
    const observations = read(estate(twoContainers));

    expect(observations.map((o) => [o.application, o.key, o.overriddenBy])).toEqual([
      ['api-server', 'PORT', undefined],
      ['api-server/pgbouncer', 'PORT', undefined],
    ]);
  });

  it('follows the kubectl.kubernetes.io/default-container annotation', () => {
    const observations = read(estate(twoContainers, {}, { templateMetadata: { annotations: { 'kubectl.kubernetes.io/default-container': 'pgbouncer' } } }));

    expect(observations.map((o) => o.application).sort()).toEqual(['api-server', 'api-server/app']);
  });

  it('runs a native sidecar (an init container that restarts Always) as a process of its own, and names same-named workloads by namespace', () => {
    const sidecar = read([
      {
        kind: 'Deployment',
        metadata: { name: 'api', namespace: 'api' },
        spec: {
          template: {
            spec: {
              initContainers: [
                { name: 'cloud-sql-proxy', restartPolicy: 'Always', env: [{ name: 'CSQL_PROXY_INSTANCE', value: 'p:r:db' }] },
                { name: 'migrate', env: [{ name: 'MIGRATE_TARGET', value: '42' }] },
              ],
              containers: [{ name: 'app', image: 'app:1' }],
            },
          },
        },
      },
    ]);
    expect(sidecar.map((o) => [o.application, o.key])).toEqual([['api/cloud-sql-proxy', 'CSQL_PROXY_INSTANCE']]);

    const twoRedis = kubernetesObjectsToObservations(
      ['cache', 'sessions'].map((namespace) => ({
        kind: 'Deployment',
        metadata: { name: 'redis', namespace },
        spec: { template: { spec: { containers: [{ name: 'redis', env: [{ name: 'MAXMEMORY', value: namespace === 'cache' ? '256mb' : '64mb' }] }] } } },
      })),
      { namespaces: ['cache', 'sessions'] },
      ENV_ONLY,
    ).observations;
    expect(twoRedis.map((o) => o.application).sort()).toEqual(['cache/redis', 'sessions/redis']);
  });

  it('is the declared application when the baseline maps the workload or the container', () => {
    const observations = read(estate(twoContainers), { 'deployment/api-server': 'api', 'deployment/api-server/pgbouncer': 'pooler' });

    expect(observations.map((o) => o.application).sort()).toEqual(['api', 'pooler']);
  });
});

describe('Function: expandEnvReferences', () => {
  it.each([
    ['no references', 'plain', 'plain'],
    ['a defined variable', '$(A)', 'one'],
    ['an undefined variable', '$(NOPE)', '$(NOPE)'],
    ['an escaped reference', '$$(A)', '$(A)'],
    ['a lone dollar', 'cost$5', 'cost$5'],
    ['a trailing dollar', 'x$', 'x$'],
    ['an unclosed reference', '$(A', '$(A'],
    ['two references', '$(A)-$(B)', 'one-two'],
  ])('expands %s as the kubelet does', (_name, input, expected) => {
    const values: Record<string, string> = { A: 'one', B: 'two' };
    expect(expandEnvReferences(input, (name) => values[name]).value).toBe(expected);
  });
});

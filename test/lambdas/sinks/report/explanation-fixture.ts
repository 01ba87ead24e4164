import type { Explanation } from '../../../../lambdas/engine/analyse/explain.js';
import { DEFAULT_PRECEDENCE } from '../../../../lambdas/engine/model.js';
import type { Finding } from '../../../../lambdas/engine/model.js';
import { FINDINGS } from './report-fixture.js';

/** Seed 000's four-source sprawl: file 20 < env 10 < ConfigMap 15 < Parameter Store 25. */
export function poolSizeExplanation(): Explanation {
  return {
    environment: 'production-us',
    tier: 'production',
    key: 'DATABASE_POOL_SIZE',
    setting: {
      declared: true,
      secret: false,
      required: true,
      parity: 'all',
      severity: 'medium',
      constraints: { type: 'integer', min: 1, max: 100 },
      location: { file: 'settings.yaml', line: 12, column: 3 },
    },
    expected: { text: '20', secret: false },
    expectedFrom: 'shared',
    precedence: [...DEFAULT_PRECEDENCE].reverse(),
    observations: [
      {
        layer: 'file',
        value: { text: '20', secret: false },
        provenance: { source: 'app-config', layer: 'file', location: 'database_pool_size', file: 'production-us/app.yml' },
        effective: false,
      },
      {
        layer: 'ssm',
        value: { text: '25', secret: false },
        provenance: {
          source: 'ssm',
          layer: 'ssm',
          location: '/production-us/api/DATABASE_POOL_SIZE',
          version: '3',
          changedAt: '2026-06-30T10:00:00Z',
          changedBy: 'arn:aws:sts::111111111111:assumed-role/deploy-pipeline/ci',
          region: 'us-east-1',
        },
        effective: true,
      },
      {
        layer: 'env',
        value: { text: '10', secret: false },
        provenance: {
          source: 'kubernetes',
          layer: 'env',
          location: 'deployment/api-server container app',
          changedAt: '2026-07-01T09:30:00Z',
          changedBy: 'kubectl-set',
          outOfBand: true,
          cluster: 'prod-us',
        },
        effective: false,
      },
      {
        layer: 'configmap',
        value: { text: '15', secret: false },
        provenance: { source: 'kubernetes', layer: 'configmap', location: 'configmap/api-config', changedBy: 'helm' },
        effective: false,
      },
    ],
    effective: { text: '25', secret: false },
    exceptions: [
      {
        owner: 'sre-team',
        reason: 'pool raised during the 2026-06 incident',
        expires: '2026-07-31',
        active: false,
        value: { text: '25', secret: false },
      },
    ],
    complete: true,
    failedSources: [],
    findings: FINDINGS.filter((f: Finding) => f.key === 'DATABASE_POOL_SIZE'),
    pods: [
      {
        name: 'api-server-7c9d2b-4kq8p',
        namespace: 'api',
        workload: 'deployment/api-server',
        startedAt: '2026-06-01T09:00:00.000Z',
        templateCurrent: true,
        readFrom: 'configmap api-config key DATABASE_POOL_SIZE',
        sourceChangedAt: '2026-06-10T08:30:00.000Z',
        restartNeeded: true,
      },
      {
        name: 'api-server-7c9d2b-x2m9z',
        namespace: 'api',
        workload: 'deployment/api-server',
        startedAt: '2026-06-11T10:00:00.000Z',
        templateCurrent: true,
        readFrom: 'configmap api-config key DATABASE_POOL_SIZE',
        sourceChangedAt: '2026-06-10T08:30:00.000Z',
        restartNeeded: false,
      },
    ],
  };
}

/**
 * The seeds' estate in memory: three environments in which every scenario of both articles happens
 * once, next to the declared expected differences of seed 001 that must stay silent.
 */
import type { Baseline, Observation, Snapshot } from '../../../../lambdas/engine/model.js';
import { baseline, configMapValue, envVar, environment, exception, fileValue, image, secretRef, setting, snapshot, ssmValue } from './builders.js';

/** The audit clock of the seed estate. */
export const SEED_NOW = new Date('2026-11-23T12:00:00Z');

const stagingUs = environment('staging-us', 'staging', { account: '111111111111', region: 'us-east-1' });
const productionUs = environment('production-us', 'production', { account: '222222222222', region: 'us-east-1' });
const productionEu = environment('production-eu', 'production', { account: '333333333333', region: 'eu-west-1' });

/** The seed baseline. */
export function seedBaseline(): Baseline {
  return baseline({
    environments: [stagingUs, productionUs, productionEu],
    settings: [
      setting('DB_TIMEOUT', { value: '10s', constraints: { type: 'duration' }, severity: 'high' }),
      setting('LOG_LEVEL', { perTier: { staging: 'debug', production: 'warn' }, severity: 'low', required: true }),
      setting('LOG_INCLUDE_SENSITIVE', {
        value: 'false',
        constraints: { type: 'boolean' },
        scopedConstraints: { production: { enum: ['false'] } },
      }),
      setting('RESOURCE_LIMITS_CPU', { perTier: { staging: '2', production: '8' }, required: true }),
      setting('PAYMENT_GATEWAY_URL', {
        perTier: { staging: 'https://mock.payment.internal', production: 'https://api.payment-provider.com' },
        constraints: { type: 'url' },
        required: true,
      }),
      setting('database.pool_size', { constraints: { type: 'integer' }, parity: 'all' }),
      setting('database.timeout', { constraints: { type: 'integer' }, parity: 'all' }),
      setting('DATABASE_POOL_SIZE', { value: '25', constraints: { type: 'integer', min: 1, max: 100 } }),
      setting('PAYMENT_TIMEOUT', { value: '30', constraints: { type: 'integer' } }),
      setting('PAYMENT_MAX_RETRIES', { value: '3', constraints: { type: 'integer' } }),
      setting('INVENTORY_SERVICE_URL', { value: 'http://inventory.internal:8080', constraints: { type: 'url' }, layer: 'ssm' }),
      setting('API_TIMEOUT', { value: '30', constraints: { type: 'integer' } }),
      setting('PAYMENT_GATEWAY_TIMEOUT_MS', { constraints: { type: 'integer' }, parity: 'all' }),
      setting('NEW_AUTH_FLOW', { value: 'true', constraints: { type: 'boolean' } }),
      setting('DB_PASSWORD', { secret: true, required: true }),
    ],
    exceptions: [
      exception('LOG_LEVEL', {
        environment: 'production-us',
        value: 'DEBUG',
        owner: 'alice',
        reason: 'INC-4512 payment debugging',
        expires: '2026-10-01',
      }),
      exception('NEW_AUTH_FLOW', { tier: 'production', value: 'false', owner: 'carol', reason: 'gradual rollout', expires: '2026-09-30' }),
    ],
  });
}

const pipeline = { changedBy: 'helm', changedAt: '2026-05-02T10:00:00Z' };

// Values every environment shares; `replacements` stand in for the shared observation of their key.
function common(env: string, replacements: readonly Observation[] = []): Observation[] {
  const shared = [
    ssmValue(env, 'DATABASE_POOL_SIZE', '25', { changedBy: 'arn:aws:sts::1:assumed-role/deploy-pipeline/run-1' }),
    ssmValue(env, 'PAYMENT_TIMEOUT', '30'),
    ssmValue(env, 'PAYMENT_MAX_RETRIES', '3'),
    ssmValue(env, 'API_TIMEOUT', '30'),
    envVar('DB_TIMEOUT', '10s', pipeline),
    configMapValue('LOG_INCLUDE_SENSITIVE', 'false'),
    secretRef('DB_PASSWORD', 'api-secrets'),
  ];
  return shared.map((o) => replacements.find((r) => r.key === o.key) ?? o);
}

/** Snapshots of the three environments. */
export function seedSnapshots(): Snapshot[] {
  return [
    snapshot(
      'staging-us',
      [
        // Spelled differently, same duration: no finding.
        ...common('staging-us', [envVar('DB_TIMEOUT', '10000ms', pipeline)]),
        configMapValue('LOG_LEVEL', 'debug'),
        configMapValue('RESOURCE_LIMITS_CPU', '2'),
        ssmValue('staging-us', 'PAYMENT_GATEWAY_URL', 'https://mock.payment.internal'),
        ssmValue('staging-us', 'PAYMENT_GATEWAY_TIMEOUT_MS', '10000'),
        ssmValue('staging-us', 'INVENTORY_SERVICE_URL', 'http://inventory.internal:8080'),
        fileValue('database.pool_size', '20', 'config/staging.yml'),
        fileValue('database.timeout', '30', 'config/staging.yml'),
        envVar('NEW_AUTH_FLOW', 'true'),
      ],
      {
        images: [image('registry.example.com/api-server', '2.4.1'), image('registry.example.com/client-library', '15.3', { container: 'client-library' })],
      },
    ),
    snapshot(
      'production-us',
      [
        ...common('production-us', [
          ssmValue('production-us', 'PAYMENT_TIMEOUT', '60', { changedBy: 'arn:aws:iam::222222222222:user/oncall-dan' }),
          ssmValue('production-us', 'PAYMENT_MAX_RETRIES', '5', { changedBy: 'arn:aws:iam::222222222222:user/oncall-dan' }),
          // The 2 AM emergency fix, made with kubectl set env.
          envVar('DB_TIMEOUT', '60s', { changedBy: 'kubectl-set', changedAt: '2026-08-14T02:13:00Z' }),
          configMapValue('LOG_INCLUDE_SENSITIVE', 'true', { changedBy: 'kubectl-edit', changedAt: '2026-09-20T15:00:00Z' }),
        ]),
        configMapValue('LOG_LEVEL', 'DEBUG', { changedBy: 'kubectl-edit', changedAt: '2026-09-20T15:00:00Z' }),
        configMapValue('RESOURCE_LIMITS_CPU', '8'),
        ssmValue('production-us', 'PAYMENT_GATEWAY_URL', 'https://api.payment-provider.com'),
        ssmValue('production-us', 'PAYMENT_GATEWAY_TIMEOUT_MS', '3000'),
        fileValue('database.pool_size', '20'),
        fileValue('database.timeout', '30'),
        envVar('ENABLE_NEW_CHECKOUT', 'true'),
        envVar('NEW_AUTH_FLOW', 'false'),
        // Seed 000's sprawl: four places, Parameter Store wins.
        fileValue('DATABASE_POOL_SIZE', '20', 'config/production.yml', 'database_pool_size'),
        envVar('DATABASE_POOL_SIZE', '10'),
        configMapValue('DATABASE_POOL_SIZE', '15'),
      ],
      {
        images: [image('registry.example.com/api-server', '2.4.1'), image('registry.example.com/client-library', '15.1', { container: 'client-library' })],
      },
    ),
    snapshot(
      'production-eu',
      [
        ...common('production-eu', [
          // Raised during an incident on another endpoint, by hand in the console.
          ssmValue('production-eu', 'API_TIMEOUT', '120', {
            region: 'eu-west-1',
            changedBy: 'arn:aws:iam::333333333333:user/oncall-bob',
            changedAt: '2026-07-03T09:30:00Z',
          }),
        ]),
        configMapValue('LOG_LEVEL', 'warn'),
        configMapValue('RESOURCE_LIMITS_CPU', '8'),
        ssmValue('production-eu', 'PAYMENT_GATEWAY_URL', 'https://api.payment-provider.com'),
        ssmValue('production-eu', 'PAYMENT_GATEWAY_TIMEOUT_MS', '10000'),
        // Tuned during an EU incident.
        fileValue('database.pool_size', '10'),
        fileValue('database.timeout', '60'),
        envVar('ENABLE_NEW_CHECKOUT', 'true'),
        envVar('NEW_AUTH_FLOW', 'false'),
      ],
      {
        images: [image('registry.example.com/api-server', '2.4.1'), image('registry.example.com/client-library', '15.1', { container: 'client-library' })],
      },
    ),
  ];
}

/** Every finding the seed estate must produce, by id; nothing else. */
export const SEED_FINDING_IDS = [
  'changed:production-us:DB_TIMEOUT',
  'unmanaged:production-us:ENABLE_NEW_CHECKOUT',
  'unmanaged:production-eu:ENABLE_NEW_CHECKOUT',
  'exception-expired:production-us:LOG_LEVEL',
  'invalid:production-us:LOG_INCLUDE_SENSITIVE',
  'parity:production-eu:database.pool_size',
  'parity:production-eu:database.timeout',
  'changed:production-us:PAYMENT_TIMEOUT',
  'changed:production-us:PAYMENT_MAX_RETRIES',
  'shadowed:production-us:DATABASE_POOL_SIZE',
  'missing:production-us:INVENTORY_SERVICE_URL',
  'missing:production-eu:INVENTORY_SERVICE_URL',
  'changed:production-eu:API_TIMEOUT',
  'parity:production-us:PAYMENT_GATEWAY_TIMEOUT_MS',
  'version:staging-us:api/deployment/api-server/client-library',
  'exception-expired:production-us:NEW_AUTH_FLOW',
  'exception-expired:production-eu:NEW_AUTH_FLOW',
] as const;

import { FINDING_TYPES } from '../../../../lambdas/engine/model.js';
import type { AuditResult, Finding, FindingType, SourceStatus, Transition } from '../../../../lambdas/engine/model.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';

/** Counts per type, as the engine reports them. */
export function countsOf(findings: readonly Finding[]): Record<FindingType, number> {
  const counts = Object.fromEntries(FINDING_TYPES.map((t) => [t, 0])) as Record<FindingType, number>;
  for (const f of findings) counts[f.type] += 1;
  return counts;
}

const PROD_US = { tier: 'production', region: 'us-east-1', account: '111111111111' } as const;
const PROD_EU = { tier: 'production', region: 'eu-west-1', account: '222222222222' } as const;

/** The seed scenarios as the engine would report them: one of each kind the renderers must handle. */
export const FINDINGS: readonly Finding[] = [
  {
    id: 'invalid:production-us:LOG_INCLUDE_SENSITIVE',
    type: 'invalid',
    severity: 'critical',
    environment: 'production-us',
    ...PROD_US,
    key: 'LOG_INCLUDE_SENSITIVE',
    expected: { text: 'false', secret: false },
    actual: { text: 'true', secret: false },
    message: 'LOG_INCLUDE_SENSITIVE is true in production-us, but production allows only false.',
    provenance: [
      {
        source: 'kubernetes',
        layer: 'configmap',
        location: 'configmap/api-config',
        file: 'production-us/k8s.json',
        changedAt: '2026-09-02T03:14:00Z',
        changedBy: 'kubectl-edit',
        outOfBand: true,
        region: 'us-east-1',
        account: '111111111111',
        target: { kind: 'configmap-key', namespace: 'api', configMap: 'api-config', dataKey: 'LOG_INCLUDE_SENSITIVE' },
      },
    ],
    fixes: {
      revert: {
        summary: 'Set LOG_INCLUDE_SENSITIVE back to false in configmap/api-config.',
        command: 'kubectl patch configmap api-config -n api --type merge -p \'{"data":{"LOG_INCLUDE_SENSITIVE":"false"}}\'',
      },
    },
  },
  {
    id: 'changed:production-us:DB_TIMEOUT',
    type: 'changed',
    severity: 'high',
    environment: 'production-us',
    ...PROD_US,
    key: 'DB_TIMEOUT',
    expected: { text: '10s', secret: false },
    actual: { text: '60s', secret: false },
    message: 'DB_TIMEOUT is 60s in production-us; the baseline says 10s.',
    provenance: [
      {
        source: 'ssm',
        layer: 'ssm',
        location: '/production-us/api/DB_TIMEOUT',
        version: '7',
        changedAt: '2026-08-14T02:07:31Z',
        changedBy: 'arn:aws:iam::111111111111:user/bob',
        outOfBand: true,
        region: 'us-east-1',
        account: '111111111111',
        target: { kind: 'ssm-parameter', name: '/production-us/api/DB_TIMEOUT', type: 'String' },
      },
    ],
    fixes: {
      revert: {
        summary: 'Put the baseline value back in Parameter Store.',
        command: 'aws ssm put-parameter --region us-east-1 --name /production-us/api/DB_TIMEOUT --type String --value 10s --overwrite',
      },
      accept: {
        summary: 'Declare 60s as the expected value for production-us.',
        command: 'drift-audit baseline accept changed:production-us:DB_TIMEOUT',
        baselineEdit: { path: ['settings', 'DB_TIMEOUT', 'environments', 'production-us'], value: '60s' },
      },
    },
  },
  {
    id: 'source-error:production-eu:ssm:eu-west-1:/production-eu/api/',
    type: 'source-error',
    severity: 'high',
    environment: 'production-eu',
    ...PROD_EU,
    key: 'ssm:eu-west-1:/production-eu/api/',
    message: 'cannot list SSM parameters under /production-eu/api/ in eu-west-1: AccessDenied',
    provenance: [],
    fixes: {},
  },
  {
    id: 'shadowed:production-us:DATABASE_POOL_SIZE',
    type: 'shadowed',
    severity: 'medium',
    environment: 'production-us',
    ...PROD_US,
    key: 'DATABASE_POOL_SIZE',
    expected: { text: '20', secret: false },
    actual: { text: '25', secret: false },
    message: 'Four sources set DATABASE_POOL_SIZE in production-us; Parameter Store (25) hides 20, 10 and 15.',
    provenance: [
      {
        source: 'ssm',
        layer: 'ssm',
        location: '/production-us/api/DATABASE_POOL_SIZE',
        version: '3',
        changedAt: '2026-06-30T10:00:00Z',
        changedBy: 'arn:aws:sts::111111111111:assumed-role/deploy-pipeline/ci',
        outOfBand: false,
      },
      { source: 'kubernetes', layer: 'configmap', location: 'configmap/api-config', changedBy: 'helm' },
      {
        source: 'kubernetes',
        layer: 'env',
        location: 'deployment/api-server container app',
        changedAt: '2026-07-01T09:30:00Z',
        changedBy: 'kubectl-set',
        outOfBand: true,
      },
      { source: 'app-config', layer: 'file', location: 'config/production.yml', file: 'production-us/app.yml' },
    ],
    fixes: {
      revert: { summary: 'Remove the value from the layers that lose, so one source holds it.' },
      accept: {
        summary: 'Declare Parameter Store as the layer DATABASE_POOL_SIZE lives in.',
        baselineEdit: { path: ['settings', 'DATABASE_POOL_SIZE', 'layer'], value: 'ssm', file: 'settings.yaml' },
      },
    },
  },
  {
    id: 'parity:production-eu:DB_POOL_SIZE',
    type: 'parity',
    severity: 'medium',
    environment: 'production-eu',
    ...PROD_EU,
    key: 'DB_POOL_SIZE',
    actual: { text: '10', secret: false },
    message: 'DB_POOL_SIZE is 10 in production-eu and 20 in production-us; no difference is declared.',
    provenance: [
      {
        source: 'app-config',
        layer: 'file',
        location: 'database.pool_size',
        file: 'production-eu/config.json',
        target: { kind: 'file-key', file: 'production-eu/config.json', path: 'database.pool_size' },
      },
    ],
    comparedWith: { 'production-us': { text: '20', secret: false }, 'production-eu': { text: '10', secret: false } },
    fixes: {
      revert: { summary: 'Set database.pool_size to 20 in production-eu/config.json.' },
      accept: {
        summary: 'Declare 10 as an expected difference for production-eu.',
        baselineEdit: { path: ['settings', 'DB_POOL_SIZE', 'environments', 'production-eu'], value: '10' },
      },
    },
  },
  {
    id: 'unmanaged:production-us:LEGACY_STRIPE_KEY',
    type: 'unmanaged',
    severity: 'low',
    environment: 'production-us',
    ...PROD_US,
    key: 'LEGACY_STRIPE_KEY',
    actual: { text: '[secret]', secret: true },
    message: 'LEGACY_STRIPE_KEY is set in production-us but not declared in the baseline.',
    provenance: [
      {
        source: 'ssm',
        layer: 'ssm',
        location: '/production-us/api/LEGACY_STRIPE_KEY',
        version: '2',
        changedAt: '2025-12-01T08:00:00Z',
        changedBy: 'arn:aws:iam::111111111111:user/alice',
        outOfBand: true,
        target: { kind: 'ssm-parameter', name: '/production-us/api/LEGACY_STRIPE_KEY', type: 'SecureString' },
      },
    ],
    fixes: {
      revert: {
        summary: 'Delete the undeclared parameter.',
        command: 'aws ssm delete-parameter --region us-east-1 --name /production-us/api/LEGACY_STRIPE_KEY',
      },
      accept: {
        summary: 'Declare LEGACY_STRIPE_KEY as a secret setting.',
        baselineEdit: { path: ['settings', 'LEGACY_STRIPE_KEY'], value: { secret: 'true' } },
      },
    },
  },
  {
    id: 'unmanaged:production-us:ENABLE_NEW_CHECKOUT',
    type: 'unmanaged',
    severity: 'low',
    environment: 'production-us',
    ...PROD_US,
    key: 'ENABLE_NEW_CHECKOUT',
    actual: { text: 'true', secret: false },
    message: 'ENABLE_NEW_CHECKOUT is set in production-us but not declared in the baseline.',
    provenance: [
      {
        source: 'kubernetes',
        layer: 'env',
        location: 'deployment/api-server container app',
        changedAt: '2026-03-10T12:00:00Z',
        changedBy: 'kubectl-set',
        outOfBand: true,
        target: {
          kind: 'workload-env',
          namespace: 'api',
          workload: 'deployment/api-server',
          container: 'app',
          variable: 'ENABLE_NEW_CHECKOUT',
        },
      },
    ],
    fixes: {
      revert: {
        summary: 'Remove the variable from deployment/api-server.',
        command: 'kubectl set env deployment/api-server -n api -c app ENABLE_NEW_CHECKOUT-',
      },
      accept: {
        summary: 'Add ENABLE_NEW_CHECKOUT to the ignore list.',
        baselineEdit: { path: ['ignore'], value: 'ENABLE_NEW_CHECKOUT', op: 'append' },
      },
    },
  },
  {
    id: 'version:staging-us:deployment/api-server/app',
    type: 'version',
    severity: 'info',
    environment: 'staging-us',
    tier: 'staging',
    region: 'us-east-1',
    key: 'deployment/api-server/app',
    actual: { text: 'registry.example.com/client-lib:15.3', secret: false },
    message: 'deployment/api-server runs client-lib 15.3 in staging-us and 15.1 in production.',
    provenance: [{ source: 'kubernetes', layer: 'env', location: 'deployment/api-server container app' }],
    comparedWith: {
      'staging-us': { text: '15.3', secret: false },
      'production-us': { text: '15.1', secret: false },
      'production-eu': { text: '15.1', secret: false },
    },
    fixes: {},
  },
];

/** Every declared source; the production-eu Parameter Store tree could not be read. */
export const SOURCES: readonly SourceStatus[] = [
  { id: 'ssm:us-east-1:/production-us/api/', kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount: 14 },
  { id: 'eks:prod-us/api', kind: 'eks', layers: ['env', 'configmap', 'secret'], status: 'ok', itemCount: 22 },
  { id: 'file:production-us/app.yml', kind: 'file', layers: ['file'], status: 'ok', itemCount: 6 },
  {
    id: 'ssm:eu-west-1:/production-eu/api/',
    kind: 'ssm',
    layers: ['ssm'],
    status: 'error',
    itemCount: 0,
    error: {
      code: 'AccessDenied',
      message: 'cannot list SSM parameters under /production-eu/api/ in eu-west-1: AccessDenied',
    },
  },
  { id: 'file:production-eu/config.json', kind: 'file', layers: ['file'], status: 'ok', itemCount: 5 },
  { id: 'eks:staging-us/api', kind: 'eks', layers: ['env', 'configmap', 'secret'], status: 'ok', itemCount: 21 },
];

function result(findings: readonly Finding[], partialEnvironments: readonly string[]): AuditResult {
  const envs = ['production-eu', 'production-us', 'staging-us'];
  return {
    findings,
    completeEnvironments: envs.filter((e) => !partialEnvironments.includes(e)),
    partialEnvironments,
    status: partialEnvironments.length > 0 ? 'partial' : 'ok',
    counts: countsOf(findings),
  };
}

export const ENVIRONMENTS: ReportInput['environments'] = [
  { name: 'staging-us', tier: 'staging', region: 'us-east-1', account: '333333333333' },
  { name: 'production-us', ...PROD_US },
  { name: 'production-eu', ...PROD_EU },
];

/** The transitions a Lambda run would record for these findings. */
export const TRANSITIONS: readonly Transition[] = [
  { kind: 'opened', finding: FINDINGS[1] as Finding, firstSeen: '2026-11-23T12:00:00Z', at: '2026-11-23T12:00:00Z' },
  {
    kind: 'escalated',
    finding: FINDINGS[0] as Finding,
    firstSeen: '2026-09-02T04:00:00Z',
    at: '2026-11-23T12:00:00Z',
    previous: { severity: 'high' },
  },
  {
    kind: 'resolved',
    finding: {
      id: 'missing:production-us:INVENTORY_SERVICE_URL',
      type: 'missing',
      severity: 'high',
      environment: 'production-us',
      ...PROD_US,
      key: 'INVENTORY_SERVICE_URL',
      expected: { text: 'https://inventory.internal', secret: false },
      message: 'INVENTORY_SERVICE_URL is declared but absent in production-us.',
      provenance: [],
      fixes: {},
    },
    firstSeen: '2026-10-01T12:00:00Z',
    at: '2026-11-23T12:00:00Z',
  },
];

/** The realistic partial run every golden file renders. */
export function partialRun(options: { transitions?: boolean } = {}): ReportInput {
  return {
    result: result(FINDINGS, ['production-eu']),
    generatedAt: '2026-11-23T12:00:00Z',
    baselineVersion: '3HL4kqtJlcpXroDTDmJ.zQ8PHP7TpXqf',
    environments: ENVIRONMENTS,
    sources: SOURCES,
    ...(options.transitions === true ? { transitions: TRANSITIONS } : {}),
  };
}

/** A complete run with no finding. */
export function cleanRun(): ReportInput {
  return {
    result: result([], []),
    generatedAt: '2026-11-23T12:00:00Z',
    environments: ENVIRONMENTS,
    sources: SOURCES.map((s) => (s.status === 'ok' ? s : { id: s.id, kind: s.kind, layers: s.layers, status: 'ok' as const, itemCount: 12 })),
  };
}

/** The same run with every finding of the complete environments only: drift, but nothing unread. */
export function completeRunWithDrift(): ReportInput {
  const clean = cleanRun();
  const findings = FINDINGS.filter((f) => f.type !== 'source-error');
  return { ...clean, result: result(findings, []) };
}

import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

interface JsonFinding {
  id: string;
  type: string;
  environment: string;
  key: string;
  severity: string;
  message: string;
  comparedWith?: Record<string, { text: string }>;
  provenance: { changedBy?: string; outOfBand?: boolean }[];
  fixes: { revert?: { command?: string } };
}

interface JsonReport {
  schema: string;
  status: string;
  findings: JsonFinding[];
}

interface JsonExplanation {
  expected?: { text: string };
  effective?: { text: string };
  findings: unknown[];
}

/** Every seed scenario the demo estate reproduces, as the finding it must raise. */
const SEED_SCENARIOS: Record<string, string> = {
  'seed 000: DB_TIMEOUT raised with kubectl set env during an incident': 'changed:production-us:api:DB_TIMEOUT',
  'seed 000: ENABLE_NEW_CHECKOUT outlived its feature (us)': 'unmanaged:production-us:api:ENABLE_NEW_CHECKOUT',
  'seed 000: ENABLE_NEW_CHECKOUT outlived its feature (eu)': 'unmanaged:production-eu:api:ENABLE_NEW_CHECKOUT',
  'seed 000: CHECKOUT_ROLLOUT_PERCENT left behind (us)': 'unmanaged:production-us:api:CHECKOUT_ROLLOUT_PERCENT',
  'seed 000: CHECKOUT_ROLLOUT_PERCENT left behind (eu)': 'unmanaged:production-eu:api:CHECKOUT_ROLLOUT_PERCENT',
  'seed 000: LOG_LEVEL=DEBUG left on past its exception': 'exception-expired:production-us:api:LOG_LEVEL',
  'seed 000: LOG_INCLUDE_SENSITIVE=true in production': 'invalid:production-us:api:LOG_INCLUDE_SENSITIVE',
  'seed 000: EU pool size cut during an incident': 'parity:production-eu:api:DATABASE_POOL_SIZE',
  'seed 000: EU timeout raised during an incident': 'parity:production-eu:api:DATABASE_TIMEOUT',
  'seed 000: PAYMENT_TIMEOUT 60 in production': 'changed:production-us:api:PAYMENT_TIMEOUT',
  'seed 000: PAYMENT_MAX_RETRIES 5 in production': 'changed:production-us:api:PAYMENT_MAX_RETRIES',
  'seed 000: pool size in four sources, which one wins?': 'shadowed:production-us:api:DATABASE_POOL_SIZE',
  'seed 000: INVENTORY_SERVICE_URL never set, code fell back silently': 'missing:production-us:api:INVENTORY_SERVICE_URL',
  'seed 000: API_TIMEOUT raised to 120 for another endpoint': 'changed:production-us:api:API_TIMEOUT',
  'seed 001: PAYMENT_GATEWAY_TIMEOUT_MS 3000 vs 10000': 'changed:production-us:api:PAYMENT_GATEWAY_TIMEOUT_MS',
  'seed 001: client library image ahead in staging': 'version:staging-us:api/deployment/api-server/pgbouncer',
  'seed 001: NEW_AUTH_FLOW divergence past its rollout window': 'exception-expired:staging-us:api:NEW_AUTH_FLOW',
  'seed 000: EU memory raised with kubectl set resources during an incident': 'parity:production-eu:api:k8s:resources.requests.memory',
  'seed 000: EU autoscaling deleted during an incident, US still autoscales': 'parity:production-us+production-eu:api:k8s:hpa',
  'seed 001: the running pods still hold the Stripe key rotated in Parameter Store after they started':
    'stale:production-us:api:api/deployment/api-server:ssm:/production-us/api/stripe/api_key',
};

async function scanDemo(...extra: string[]) {
  return runCli(['scan', 'config', '--snapshots', 'config/snapshots', '--now', '2026-11-23T12:00:00Z', ...extra]);
}

describe('CLI: drift-audit scan on the demo estate', () => {
  it.each(Object.entries(SEED_SCENARIOS))('reports %s', async (_scenario, findingId) => {
    // Act
    const { stdout } = await scanDemo('--json');

    // Assess
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.findings.map((finding) => finding.id)).toContain(findingId);
  });

  it('reports nothing else: declared differences, secrets and ignored keys stay silent', async () => {
    // Act
    const { stdout, code } = await scanDemo('--json');

    // Assess
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.findings.map((finding) => finding.id).sort()).toEqual(Object.values(SEED_SCENARIOS).sort());
    const silentKeys = ['RESOURCE_LIMITS_CPU', 'PAYMENT_GATEWAY_URL', 'DATABASE_HOST', 'DATABASE_PORT', 'DB_PASSWORD', 'STRIPE_API_KEY', 'POD_NAME'];
    expect(report.findings.filter((finding) => silentKeys.includes(finding.key))).toEqual([]);
    expect(report.findings.filter((finding) => finding.key === 'LOG_LEVEL' && finding.environment !== 'production-us')).toEqual([]);
    expect(report.status).toBe('ok');
    expect(code).toBe(1);
  });

  it('seed 000: the regional workload drift names who changed it out of band and how to revert it', async () => {
    // Act
    const { stdout } = await scanDemo('--json');

    // Assess
    const findings = (JSON.parse(stdout) as JsonReport).findings;
    const memory = findings.find((finding) => finding.id === 'parity:production-eu:api:k8s:resources.requests.memory');
    expect(memory).toMatchObject({ type: 'parity', severity: 'medium', comparedWith: { 'production-us': { text: '2Gi' }, 'production-eu': { text: '4Gi' } } });
    expect(memory?.provenance[0]).toMatchObject({ changedBy: 'kubectl-set', outOfBand: true });
    expect(memory?.fixes.revert?.command).toBe('kubectl -n api set resources deployment/api-server -c app --requests=memory=2Gi');
    const autoscaler = findings.find((finding) => finding.id === 'parity:production-us+production-eu:api:k8s:hpa');
    expect(autoscaler).toMatchObject({
      type: 'parity',
      severity: 'medium',
      comparedWith: { 'production-us': { text: 'present' }, 'production-eu': { text: 'absent' } },
    });
    // The HPA owns production-us's replica count, so EU's 15 hand-set replicas are not a second finding.
    expect(findings.filter((finding) => finding.key === 'k8s:replicas')).toEqual([]);
  });

  it('seed 001: resource limits declared per tier and cpu 1000m vs 1 stay silent while being observed', async () => {
    // Act
    const { stdout } = await scanDemo('--json');
    const explain = async (key: string, env: string) => {
      const run = await runCli([
        'explain',
        key,
        '--env',
        env,
        '--app',
        'api',
        'config',
        '--snapshots',
        'config/snapshots',
        '--now',
        '2026-11-23T12:00:00Z',
        '--json',
      ]);
      return JSON.parse(run.stdout) as JsonExplanation;
    };

    // Assess
    const findings = (JSON.parse(stdout) as JsonReport).findings;
    expect(findings.filter((finding) => /^k8s:resources\.(limits\.|requests\.cpu)/.test(finding.key))).toEqual([]);
    expect(await explain('k8s:resources.limits.memory', 'staging-us')).toMatchObject({ expected: { text: '8Gi' }, effective: { text: '8Gi' }, findings: [] });
    // 34359738368 bytes is 32Gi: compared by value, not by text.
    expect(await explain('k8s:resources.limits.memory', 'production-eu')).toMatchObject({
      expected: { text: '32Gi' },
      effective: { text: '34359738368' },
      findings: [],
    });
    expect(await explain('k8s:resources.limits.cpu', 'staging-us')).toMatchObject({ expected: { text: '4' }, effective: { text: '4' }, findings: [] });
    expect(await explain('k8s:resources.requests.cpu', 'production-us')).toMatchObject({ effective: { text: '1' }, findings: [] });
  });

  it('never prints a SecureString value in any format', async () => {
    for (const format of ['--json', '--markdown', '--html', '--verbose']) {
      // Act
      const { stdout } = await scanDemo(format);

      // Assess
      expect(stdout).not.toMatch(/CiphertextBlob/);
    }
  });

  it('passes a CI gate when nothing reaches --fail-on', async () => {
    // Act: every demo finding is below "critical" except LOG_INCLUDE_SENSITIVE, so critical fails...
    const critical = await scanDemo('--fail-on', 'critical');

    // Assess
    expect(critical.code).toBe(1);
  });

  it('prints a human report grouped by environment with fixes', async () => {
    // Act
    const { stdout } = await scanDemo();

    // Assess
    expect(stdout).toContain('production-us');
    expect(stdout).toContain('DB_TIMEOUT');
    expect(stdout).toContain("kubectl -n api set env deployment/api-server -c app 'DB_TIMEOUT=10s'");
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it('rejects a bad flag value with exit 2 and says what is expected', async () => {
    // Act
    const { code, stderr } = await scanDemo('--fail-on', 'urgent');

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain("option '--fail-on <SEVERITY>' argument 'urgent' is invalid. Allowed choices are info, low, medium, high, critical.");
  });
});

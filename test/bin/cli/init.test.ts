import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_CANARY } from '../../lambdas/sources/eks/kube-fixtures.js';
import { SSM_CANARY, startLiveEstate, type LiveEstate } from '../../support/live-estate.js';
import { runCli } from '../../support/run-cli.js';

const NOW = '2026-11-23T12:00:00Z';

/** The finding ids init listed for review in the baseline's header block. */
function reviewIds(text: string): string[] {
  return [...text.matchAll(/^# {3}- (\S+): /gm)].map((match) => match[1] as string).sort();
}

async function scanIds(baselineDir: string, snapshots: string): Promise<string[]> {
  const { stdout, stderr } = await runCli(['scan', baselineDir, '--snapshots', snapshots, '--json', '--now', NOW]);
  expect(stderr).toBe('');
  return (JSON.parse(stdout) as { findings: { id: string }[] }).findings.map((finding) => finding.id).sort();
}

/** An `aws ssm get-parameters-by-path` export of `values` (name -> value; `!` marks a SecureString). */
function ssmExport(values: Record<string, string>): string {
  const parameters = Object.entries(values).map(([name, value], index) => ({
    Name: name,
    Type: value.startsWith('!') ? 'SecureString' : 'String',
    ...(value.startsWith('!') ? {} : { Value: value }),
    Version: index + 1,
    LastModifiedDate: '2026-10-01T10:00:00.000000+00:00',
    ARN: `arn:aws:ssm:eu-west-1:111122223333:parameter${name}`,
    DataType: 'text',
  }));
  return JSON.stringify({ Parameters: parameters }, null, 2);
}

describe('CLI: drift-audit init', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'drift-init-'));
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  describe('on the demo estate', () => {
    it('writes a baseline against which a scan of the same snapshots reports exactly the listed outliers', async () => {
      // Act
      const init = await runCli(['init', join(work, 'baseline'), '--snapshots', 'config/snapshots', '--now', NOW]);
      // Assess
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
      const text = readFileSync(join(work, 'baseline', 'baseline.yaml'), 'utf8');
      const listed = reviewIds(text);
      // The seed scenarios that are outliers within production (a region that disagrees) stay findings.
      expect(listed).toEqual(
        expect.arrayContaining([
          'parity:production-us:api-server:DB_TIMEOUT',
          'parity:production-us:api-server:LOG_INCLUDE_SENSITIVE',
          'parity:production-eu+production-us:api:DATABASE_POOL_SIZE',
          'missing:production-us:api-server:INVENTORY_SERVICE_URL',
          'parity:production-eu:api-server:k8s:resources.requests.memory',
        ]),
      );
      expect(await scanIds(join(work, 'baseline'), 'config/snapshots')).toEqual(listed);
    });

    it('declares what every environment agrees on, tier differences, secrets without values, and tiers from the names', async () => {
      // Act
      await runCli(['init', join(work, 'baseline'), '--snapshots', 'config/snapshots', '--now', NOW]);
      const text = readFileSync(join(work, 'baseline', 'baseline.yaml'), 'utf8');
      // Assess
      expect(text).toMatch(/ {2}production-eu:\n {4}# tier production: inferred from the name.*\n {4}tier: production\n/);
      expect(text).toMatch(/ {2}staging-us:\n {4}# tier staging: inferred from the name.*\n {4}tier: staging\n/);
      expect(text).toMatch(/ {6}DATABASE_PORT: "5432"\n/);
      expect(text).toMatch(/ {6}k8s:resources\.limits\.cpu:\n {8}production: "8"\n {8}staging: "4"\n/);
      expect(text).toMatch(/ {6}STRIPE_API_KEY:\n {8}secret: true\n/);
      expect(text).toMatch(/^images:\n(?: {2}#.*\n)? {2}parity: tier\n/m);
      // The SecureString ciphertexts and the Kubernetes secret values in the exports never reach the baseline.
      for (const env of ['staging-us', 'production-us', 'production-eu']) {
        const exported = JSON.parse(readFileSync(join('config/snapshots', env, 'ssm.json'), 'utf8')) as { Parameters: { Type: string; Value?: string }[] };
        for (const parameter of exported.Parameters.filter((p) => p.Type === 'SecureString' && p.Value !== undefined)) {
          expect(text).not.toContain(parameter.Value);
        }
      }
    });

    it('refuses to write into a directory that is not empty unless asked to update it', async () => {
      // Prepare
      mkdirSync(join(work, 'baseline'));
      writeFileSync(join(work, 'baseline', 'notes.yaml'), '# ours\n');
      // Act
      const { code, stderr } = await runCli(['init', join(work, 'baseline'), '--snapshots', 'config/snapshots', '--now', NOW]);
      // Assess
      expect(code).toBe(2);
      expect(stderr).toContain('is not empty');
      expect(stderr).toContain('--update');
      expect(readFileSync(join(work, 'baseline', 'notes.yaml'), 'utf8')).toBe('# ours\n');
    });
  });

  describe('on a multi-service estate', () => {
    /** Two services (orders, billing) in one staging and three production environments. */
    function writeEstate(root: string, extra: Record<string, Record<string, string>> = {}): void {
      const envs: Record<string, Record<string, string>> = {
        'staging-eu': {
          'orders/db/pool': '5',
          'orders/timeout': '30',
          'billing/currency': 'EUR',
          'billing/gateway_url': 'https://sandbox.pay',
          'billing/api_key': '!',
        },
        'prod-a': { 'orders/db/pool': '50', 'orders/timeout': '30', 'billing/currency': 'EUR', 'billing/gateway_url': 'https://pay', 'billing/api_key': '!' },
        'prod-b': { 'orders/db/pool': '50', 'orders/timeout': '30', 'billing/currency': 'EUR', 'billing/gateway_url': 'https://pay', 'billing/api_key': '!' },
        // The outlier: raised by hand in one region.
        'prod-c': { 'orders/db/pool': '50', 'orders/timeout': '90', 'billing/currency': 'EUR', 'billing/gateway_url': 'https://pay', 'billing/api_key': '!' },
      };
      for (const [env, values] of Object.entries(envs)) {
        mkdirSync(join(root, env), { recursive: true });
        const named = Object.fromEntries(Object.entries({ ...values, ...extra[env] }).map(([name, value]) => [`/${env}/${name}`, value]));
        writeFileSync(join(root, env, 'ssm.json'), ssmExport(named));
      }
    }

    it('proposes per service: shared values, tier differences, and the one region that disagrees listed for review', async () => {
      // Prepare
      writeEstate(join(work, 'snapshots'));
      // Act
      const init = await runCli(['init', join(work, 'baseline'), '--snapshots', join(work, 'snapshots'), '--now', NOW]);
      // Assess
      expect(init.code).toBe(0);
      const text = readFileSync(join(work, 'baseline', 'baseline.yaml'), 'utf8');
      expect(reviewIds(text)).toEqual(['changed:prod-c:orders:TIMEOUT']);
      expect(text).toMatch(/ {2}billing:\n {4}settings:\n {6}API_KEY:\n {8}secret: true\n(?:.*\n)* {6}CURRENCY: EUR\n/);
      expect(text).toMatch(/ {6}GATEWAY_URL:\n {8}production: https:\/\/pay\n {8}staging: https:\/\/sandbox\.pay\n/);
      expect(text).toMatch(/ {4}settings:\n {6}TIMEOUT: "30"\n/);
      expect(await scanIds(join(work, 'baseline'), join(work, 'snapshots'))).toEqual(['changed:prod-c:orders:TIMEOUT']);
    });

    it('never writes a value whose shape is a secret, whatever the key is called', async () => {
      // Prepare
      const token = `ghp_${'a1B2c3D4e5'.repeat(3)}Z9y8x7`;
      writeEstate(join(work, 'snapshots'), { 'prod-a': { 'orders/upstream': token }, 'prod-b': { 'orders/upstream': token } });
      // Act
      await runCli(['init', join(work, 'baseline'), '--snapshots', join(work, 'snapshots'), '--now', NOW]);
      // Assess
      const text = readFileSync(join(work, 'baseline', 'baseline.yaml'), 'utf8');
      expect(text).toMatch(/ {6}UPSTREAM:\n {8}secret: true\n/);
      expect(text).not.toContain('ghp_');
    });

    it('--update adds new keys and environments, keeps what people wrote, and a second run changes nothing', async () => {
      // Prepare
      writeEstate(join(work, 'snapshots'));
      await runCli(['init', join(work, 'baseline'), '--snapshots', join(work, 'snapshots'), '--now', NOW]);
      const file = join(work, 'baseline', 'baseline.yaml');
      const edited = readFileSync(file, 'utf8').replace('      TIMEOUT: "30"\n', '      # agreed in the incident review INC-77\n      TIMEOUT: "90"\n');
      writeFileSync(file, edited);
      writeEstate(join(work, 'snapshots'), Object.fromEntries(['staging-eu', 'prod-a', 'prod-b', 'prod-c'].map((env) => [env, { 'orders/retries': '4' }])));
      cpSync(join(work, 'snapshots', 'prod-a'), join(work, 'snapshots', 'prod-d'), { recursive: true });
      const prodD = readFileSync(join(work, 'snapshots', 'prod-d', 'ssm.json'), 'utf8').replaceAll('/prod-a/', '/prod-d/');
      writeFileSync(join(work, 'snapshots', 'prod-d', 'ssm.json'), prodD);
      // Act
      const first = await runCli(['init', join(work, 'baseline'), '--update', '--snapshots', join(work, 'snapshots'), '--now', NOW]);
      const afterFirst = readFileSync(file, 'utf8');
      const second = await runCli(['init', join(work, 'baseline'), '--update', '--snapshots', join(work, 'snapshots'), '--now', NOW]);
      // Assess
      expect(first.code).toBe(0);
      expect(afterFirst).toContain('      # agreed in the incident review INC-77\n      TIMEOUT: "90"\n');
      expect(afterFirst).toMatch(/ {6}RETRIES: "4"\n/);
      expect(afterFirst).toMatch(/ {2}prod-d:\n(?: {4}#.*\n)? {4}tier: production\n/);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('nothing new');
      expect(readFileSync(file, 'utf8')).toBe(afterFirst);
      // The people's value now holds: prod-a, prod-b and prod-d disagree with it, and the scan says so.
      expect(reviewIds(afterFirst)).toEqual(await scanIds(join(work, 'baseline'), join(work, 'snapshots')));
    });
  });

  describe('--live, through the live collection', () => {
    let estate: LiveEstate;
    const savedEnv = { ...process.env };
    beforeAll(async () => {
      estate = await startLiveEstate();
      Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: 'AKIDINITTEST',
        AWS_SECRET_ACCESS_KEY: 'init-test-secret',
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_SSM: estate.ssm.url,
        AWS_ENDPOINT_URL_EKS: estate.eks.url,
        AWS_EC2_METADATA_DISABLED: 'true',
      });
      delete process.env.AWS_PROFILE;
    });
    afterAll(async () => {
      process.env = savedEnv;
      await estate.close();
    });

    it('reads the environments named by their SSM paths and clusters, and a live scan then reports exactly the listed findings', async () => {
      // Act
      const init = await runCli([
        'init',
        join(work, 'baseline'),
        '--live',
        '--env',
        'staging-us:region=us-east-1,ssm=/staging-us/api/',
        '--env',
        'production-eu:tier=production,region=eu-west-1,ssm=/production-eu/api/,eks=prod-eu/api,eks=prod-eu/payments',
        '--now',
        NOW,
      ]);
      // Assess
      expect(init.code).toBe(0);
      const text = readFileSync(join(work, 'baseline', 'baseline.yaml'), 'utf8');
      expect(text).toMatch(
        / {2}production-eu:\n {4}tier: production\n {4}region: eu-west-1\n {4}sources:\n {6}ssm:\n {8}- path: \/production-eu\/api\/\n {10}key_style: env\n {6}eks:\n {8}- cluster: prod-eu\n {10}namespaces:\n {12}- api\n {12}- payments\n/,
      );
      expect(text).not.toContain(SSM_CANARY);
      expect(text).not.toContain(SECRET_CANARY);
      const scan = await runCli(['scan', join(work, 'baseline'), '--live', '--json', '--now', NOW]);
      const ids = (JSON.parse(scan.stdout) as { findings: { id: string }[] }).findings.map((finding) => finding.id).sort();
      expect(ids).toEqual(reviewIds(text));
    });
  });
});

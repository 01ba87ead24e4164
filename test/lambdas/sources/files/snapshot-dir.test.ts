import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRECEDENCE, type Baseline, type EnvironmentSpec, type Snapshot, type SourceSpec } from '../../../../lambdas/engine/model.js';
import { readSnapshots } from '../../../../lambdas/sources/files/snapshot-dir.js';

const ESTATE = fileURLToPath(new URL('../../../fixtures/snapshots/estate/', import.meta.url));

function environment(name: string, sources: SourceSpec[], extra: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return { name, tier: 'production', region: 'eu-west-1', account: '345678901234', precedence: DEFAULT_PRECEDENCE, sources, ...extra };
}

function baseline(environments: EnvironmentSpec[]): Baseline {
  return {
    environments,
    settings: new Map(),
    ignore: [],
    unmanaged: { policy: 'report', severity: 'medium' },
    exceptions: [],
    defaultSeverity: 'medium',
    attribution: { outOfBandManagers: ['kubectl-set'], pipelinePrincipals: [] },
    files: [],
  };
}

function values(snapshot: Snapshot | undefined, key: string): [string, string][] {
  return (snapshot?.observations ?? []).filter((o) => o.key === key).map((o) => [o.provenance.layer, o.value.kind === 'plain' ? o.value.value : '[secret]']);
}

describe('Function: readSnapshots', () => {
  describe('with the fixture estate', () => {
    let snapshots: Snapshot[];

    beforeAll(async () => {
      snapshots = await readSnapshots(
        baseline([
          // By convention, keys mapped by the manifest's prefixes (no sources.ssm declared).
          environment('production-eu', [{ kind: 'eks', cluster: 'prod-eu', namespaces: ['api'], workloads: [] }]),
          // Declared files, in declaration order, one of them missing.
          environment('production-eu-declared', [
            { kind: 'file', path: 'production-eu/ssm.json', prefix: '/production-eu/api/', keyStyle: 'relative' },
            { kind: 'file', path: 'production-eu/ssm-describe.json', prefix: '/production-eu/api/', keyStyle: 'relative' },
            { kind: 'file', path: 'production-eu/absent.json', keyStyle: 'env' },
          ]),
          // Nothing at all.
          environment('production-us', [], { region: 'us-east-1' }),
          // By convention, with declared SSM and EKS sources.
          environment('staging-eu', [
            { kind: 'ssm', path: '/staging-eu/api/', keyStyle: 'env' },
            { kind: 'eks', cluster: 'staging-eu', namespaces: ['api'], workloads: [] },
          ]),
        ]),
        ESTATE,
      );
    });

    it('returns one snapshot per environment, in declaration order', () => {
      expect(snapshots.map((snapshot) => snapshot.environment)).toEqual(['production-eu', 'production-eu-declared', 'production-us', 'staging-eu']);
    });

    it('reads every data file of the environment directory by name, and carries failed live sources from the manifest', () => {
      const [production] = snapshots;

      expect(production?.takenAt).toBe('2026-11-23T11:58:02.000Z');
      expect(production?.sources.map((source) => [source.id, source.status, source.error?.code])).toEqual([
        ['file:production-eu/api.env', 'ok', undefined],
        ['file:production-eu/app-config.yaml', 'ok', undefined],
        ['file:production-eu/kubernetes.json', 'ok', undefined],
        ['file:production-eu/ssm-describe.json', 'ok', undefined],
        ['file:production-eu/ssm.json', 'ok', undefined],
        ['eks:prod-eu/batch', 'error', 'access-denied'],
      ]);
    });

    it('shows every source of a key, as the seed 000 sprawl needs', () => {
      expect(values(snapshots[0], 'DATABASE_POOL_SIZE')).toEqual([
        ['file', '20'],
        ['ssm', '10'],
      ]);
      expect(values(snapshots[0], 'DB_TIMEOUT')).toEqual([['env', '60s']]);
    });

    it('merges the SSM export with describe-parameters by name, observing each parameter once', () => {
      const production = snapshots[0];
      const poolSize = production?.observations.find((o) => o.key === 'DATABASE_POOL_SIZE' && o.provenance.layer === 'ssm');
      const ssmKeys = production?.observations.filter((o) => o.provenance.source === 'ssm').map((o) => o.key);

      expect(poolSize?.provenance).toMatchObject({
        changedBy: 'arn:aws:iam::345678901234:user/oncall-bob',
        changedAt: '2026-10-02T03:14:07.123Z',
        file: 'production-eu/ssm.json',
        region: 'eu-west-1',
      });
      expect(ssmKeys).toEqual(['ALLOWED_ORIGINS', 'DATABASE_POOL_SIZE', 'DATABASE_TIMEOUT', 'PAYMENT_GATEWAY_URL', 'STRIPE_API_KEY', 'WEBHOOK_SIGNING_SECRET']);
      expect(production?.observations.find((o) => o.key === 'WEBHOOK_SIGNING_SECRET')).toMatchObject({
        value: { kind: 'secret' },
        provenance: { file: 'production-eu/ssm-describe.json', version: '2' },
      });
    });

    it('says in the export status when describe-parameters is for another version', () => {
      const status = snapshots[0]?.sources.find((source) => source.id === 'file:production-eu/ssm.json');

      expect(status?.itemCount).toBe(6);
      expect(status?.warnings).toEqual([
        'production-eu/ssm.json: /production-eu/api/database/timeout: export has version 2 but describe-parameters has 1; LastModifiedUser not used',
        'production-eu/ssm.json: 1 parameter(s) outside /production-eu/api/ skipped',
      ]);
    });

    it('never lets a SecureString or Kubernetes Secret value into a snapshot', () => {
      const everything = JSON.stringify(snapshots);

      expect(everything).not.toContain('SECRET-CANARY');
      expect(everything).not.toContain(Buffer.from('SECRET-CANARY-K8S-7f3a').toString('base64'));
    });

    it('reads declared files in declaration order, with the spec prefix and key style', () => {
      const declared = snapshots[1];

      expect(declared?.sources.map((source) => [source.id, source.status, source.error?.code])).toEqual([
        ['file:production-eu/ssm.json', 'ok', undefined],
        ['file:production-eu/ssm-describe.json', 'ok', undefined],
        ['file:production-eu/absent.json', 'error', 'file-not-found'],
      ]);
      expect(declared?.observations.map((o) => o.key)).toEqual([
        'allowed_origins',
        'database/pool_size',
        'database/timeout',
        'payment/gateway-url',
        'stripe/api_key',
        'webhook/signing_secret',
      ]);
      // The manifest is found by environment name (production-eu-declared/snapshot.json): there is none.
      expect(declared?.takenAt).toBeUndefined();
    });

    it('reports an environment with no snapshot as a no-snapshot error, never as clean', () => {
      const missing = snapshots[2];

      expect(missing?.observations).toEqual([]);
      expect(missing?.sources).toEqual([
        {
          id: 'file:production-us/',
          kind: 'file',
          layers: DEFAULT_PRECEDENCE,
          status: 'error',
          itemCount: 0,
          error: {
            code: 'no-snapshot',
            message: `no snapshot for environment production-us: no sources.files declared and no data files in ${join(ESTATE, 'production-us')}`,
          },
        },
      ]);
    });

    it('places namespace-less manifests in the declared namespace and ignores files that are not data', () => {
      const staging = snapshots[3];

      expect(staging?.sources.map((source) => source.id)).toEqual(['file:staging-eu/.env', 'file:staging-eu/manifests.yaml', 'file:staging-eu/ssm.json']);
      // Read through envFrom: part of the container's env.
      expect(values(staging, 'LOG_INCLUDE_SENSITIVE')).toEqual([['env', 'false']]);
      expect(staging?.observations.find((o) => o.key === 'DB_TIMEOUT')?.provenance.target).toMatchObject({ namespace: 'api' });
      expect(values(staging, 'DATABASE_POOL_SIZE')).toEqual([['ssm', '20']]);
      expect(values(staging, 'PAYMENT_MAX_RETRIES')).toEqual([['env', '3']]);
      expect(staging?.images.map((image) => image.tag)).toEqual(['2.5.0-rc.1']);
    });
  });

  describe('with a manifest that does not match', () => {
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'drift-audit-snapshots-'));
      await mkdir(join(dir, 'production-eu'));
      await writeFile(join(dir, 'production-eu', 'app.env'), 'A=1\n');
      await writeFile(
        join(dir, 'production-eu', 'snapshot.json'),
        JSON.stringify({ schema: 'drift-audit.snapshot/1', environment: 'staging-us', sources: [] }, null, 2),
      );
      await mkdir(join(dir, 'staging-us'));
      await writeFile(join(dir, 'staging-us', 'snapshot.json'), '{\n  "schema": "drift-audit.snapshot/9",\n  "environment": "staging-us"\n}\n');
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('makes the environment partial with invalid-manifest, still reading its files', async () => {
      // Act
      const [production, staging] = await readSnapshots(baseline([environment('production-eu', []), environment('staging-us', [])]), dir);

      // Assess
      expect(production?.observations.map((o) => o.key)).toEqual(['A']);
      expect(production?.sources.map((source) => [source.id, source.error?.code])).toEqual([
        ['file:production-eu/app.env', undefined],
        ['file:production-eu/snapshot.json', 'invalid-manifest'],
      ]);
      expect(production?.sources[1]?.error?.message).toBe('production-eu/snapshot.json: manifest is for environment staging-us, not production-eu');
      expect(staging?.sources.map((source) => source.error?.code)).toEqual(['no-snapshot', 'invalid-manifest']);
      expect(staging?.sources[1]?.error?.message).toMatch(/^staging-us\/snapshot\.json:2:13: not a drift-audit\.snapshot\/1 manifest: schema: /);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import type { AuditResult, Finding, Snapshot } from '../../../../lambdas/engine/model.js';
import { failedSource, okSource } from './builders.js';
import { SEED_FINDING_IDS, SEED_NOW, seedBaseline, seedSnapshots } from './seed-estate.js';

function auditSeeds(snapshots: Snapshot[] = seedSnapshots()): AuditResult {
  return analyse({ baseline: seedBaseline(), snapshots, now: SEED_NOW });
}

function only(result: AuditResult, id: string): Finding {
  const matches = result.findings.filter((finding) => finding.id === id);
  expect(matches, `exactly one finding ${id}`).toHaveLength(1);
  return matches[0] as Finding;
}

function idsFor(result: AuditResult, key: string): string[] {
  return result.findings.filter((finding) => finding.key === key).map((finding) => finding.id);
}

describe('Function: analyse', () => {
  describe('on the seed estate', () => {
    it('reports exactly the seeds’ drifts and nothing else', () => {
      // Act
      const result = auditSeeds();

      // Assess
      expect(result.findings.map((finding) => finding.id).sort()).toEqual([...SEED_FINDING_IDS].sort());
      expect(result.status).toBe('ok');
      expect(result.completeEnvironments).toEqual(['staging-us', 'production-us', 'production-eu']);
    });

    it('flags the DB_TIMEOUT emergency fix as changed outside the pipeline, with a kubectl revert', () => {
      // Act
      const finding = only(auditSeeds(), 'changed:production-us:DB_TIMEOUT');

      // Assess
      expect(finding).toMatchObject({
        type: 'changed',
        severity: 'high',
        environment: 'production-us',
        tier: 'production',
        region: 'us-east-1',
        account: '222222222222',
        expected: { text: '10s', secret: false },
        actual: { text: '60s', secret: false },
      });
      expect(finding.message).toContain('changed by kubectl-set outside the pipeline on 2026-08-14');
      expect(finding.provenance[0]).toMatchObject({ layer: 'env', changedBy: 'kubectl-set', outOfBand: true });
      expect(finding.fixes.revert?.command).toBe(`kubectl -n api set env deployment/api-server -c app 'DB_TIMEOUT=10s'`);
      expect(finding.fixes.accept?.baselineEdit).toEqual({
        path: ['settings', 'DB_TIMEOUT', 'environments', 'production-us'],
        value: '60s',
        op: 'set',
      });
    });

    it('reads 10000ms in staging as the declared 10s: durations compare by length', () => {
      expect(idsFor(auditSeeds(), 'DB_TIMEOUT')).toEqual(['changed:production-us:DB_TIMEOUT']);
    });

    it('reports ENABLE_NEW_CHECKOUT, which outlived its feature, as unmanaged wherever it is still set', () => {
      // Act
      const result = auditSeeds();

      // Assess
      expect(idsFor(result, 'ENABLE_NEW_CHECKOUT')).toEqual(['unmanaged:production-eu:ENABLE_NEW_CHECKOUT', 'unmanaged:production-us:ENABLE_NEW_CHECKOUT']);
      const finding = only(result, 'unmanaged:production-us:ENABLE_NEW_CHECKOUT');
      expect(finding.severity).toBe('low');
      expect(finding.expected).toBeUndefined();
      expect(finding.fixes.revert?.command).toBe(`kubectl -n api set env deployment/api-server -c app 'ENABLE_NEW_CHECKOUT-'`);
      expect(finding.fixes.accept?.baselineEdit).toEqual({
        path: ['settings', 'ENABLE_NEW_CHECKOUT', 'environments', 'production-us'],
        value: 'true',
        op: 'set',
      });
    });

    it('reports LOG_LEVEL=DEBUG past its exception as exception-expired naming owner, reason and date, not as changed', () => {
      // Act
      const result = auditSeeds();

      // Assess
      expect(idsFor(result, 'LOG_LEVEL')).toEqual(['exception-expired:production-us:LOG_LEVEL']);
      const finding = only(result, 'exception-expired:production-us:LOG_LEVEL');
      expect(finding.message).toBe('LOG_LEVEL=DEBUG in production-us was allowed until 2026-10-01 (owner alice, INC-4512 payment debugging)');
      expect(finding.severity).toBe('medium');
      expect(finding.expected).toEqual({ text: 'warn', secret: false });
      expect(finding.fixes.revert?.command).toBe(`kubectl -n api patch configmap api-config --type merge -p '{"data":{"LOG_LEVEL":"warn"}}'`);
    });

    it('reports LOG_INCLUDE_SENSITIVE=true in production as invalid (at least high), superseding changed', () => {
      // Act
      const result = auditSeeds();

      // Assess
      expect(idsFor(result, 'LOG_INCLUDE_SENSITIVE')).toEqual(['invalid:production-us:LOG_INCLUDE_SENSITIVE']);
      const finding = only(result, 'invalid:production-us:LOG_INCLUDE_SENSITIVE');
      expect(finding.severity).toBe('high');
      expect(finding.expected).toEqual({ text: 'false', secret: false });
      expect(finding.message).toContain('must be one of false');
      expect(finding.fixes.accept?.baselineEdit).toBeUndefined();
      expect(finding.fixes.accept?.summary).toMatch(/constraint/);
    });

    it('reports the EU pool size and timeout tuned during an incident as parity against the other environments', () => {
      // Act
      const result = auditSeeds();

      // Assess
      const pool = only(result, 'parity:production-eu:database.pool_size');
      expect(pool.expected).toEqual({ text: '20', secret: false });
      expect(pool.actual).toEqual({ text: '10', secret: false });
      expect(pool.comparedWith).toEqual({
        'staging-us': { text: '20', secret: false },
        'production-us': { text: '20', secret: false },
        'production-eu': { text: '10', secret: false },
      });
      expect(pool.fixes.revert?.summary).toContain('config/production.yml');
      expect(pool.fixes.revert?.command).toBeUndefined();
      expect(only(result, 'parity:production-eu:database.timeout').actual?.text).toBe('60');
    });

    it('reports PAYMENT_TIMEOUT and PAYMENT_MAX_RETRIES raised by hand in production as changed', () => {
      // Act
      const result = auditSeeds();

      // Assess
      const timeout = only(result, 'changed:production-us:PAYMENT_TIMEOUT');
      expect(timeout.actual?.text).toBe('60');
      expect(timeout.expected?.text).toBe('30');
      expect(timeout.provenance[0]?.outOfBand).toBe(true);
      expect(only(result, 'changed:production-us:PAYMENT_MAX_RETRIES').actual?.text).toBe('5');
    });

    it('resolves the four-source DATABASE_POOL_SIZE to Parameter Store and reports what it hides', () => {
      // Act
      const finding = only(auditSeeds(), 'shadowed:production-us:DATABASE_POOL_SIZE');

      // Assess
      expect(finding.actual).toEqual({ text: '25', secret: false });
      expect(finding.severity).toBe('low');
      expect(finding.message).toBe(
        'DATABASE_POOL_SIZE in production-us: configmap api-config (15) is hidden by ssm /production-us/api/DATABASE_POOL_SIZE (25); also env 10, file 20',
      );
      expect(finding.provenance.map((p) => p.layer)).toEqual(['ssm', 'configmap', 'env', 'file']);
    });

    it('reports INVENTORY_SERVICE_URL missing in production with a put-parameter revert under the environment prefix', () => {
      // Act
      const result = auditSeeds();

      // Assess
      const finding = only(result, 'missing:production-us:INVENTORY_SERVICE_URL');
      expect(finding.actual).toBeUndefined();
      expect(finding.provenance).toEqual([]);
      expect(finding.fixes.revert?.command).toBe(
        `aws ssm put-parameter --name '/production-us/api/INVENTORY_SERVICE_URL' --value 'http://inventory.internal:8080' --type String --overwrite --region us-east-1`,
      );
      expect(finding.fixes.accept?.baselineEdit).toEqual({
        path: ['settings', 'INVENTORY_SERVICE_URL', 'environments', 'production-us'],
        value: null,
        op: 'set',
      });
      expect(idsFor(result, 'INVENTORY_SERVICE_URL')).toHaveLength(2);
    });

    it('reports API_TIMEOUT=120 set in the console, attributing it to a principal outside the pipeline', () => {
      // Act
      const finding = only(auditSeeds(), 'changed:production-eu:API_TIMEOUT');

      // Assess
      expect(finding.actual?.text).toBe('120');
      expect(finding.message).toContain('oncall-bob outside the pipeline on 2026-07-03');
      expect(finding.fixes.revert?.command).toBe(
        `aws ssm put-parameter --name '/production-eu/api/API_TIMEOUT' --value '30' --type String --overwrite --region eu-west-1`,
      );
    });

    it('reports PAYMENT_GATEWAY_TIMEOUT_MS 3000 in production-us against 10000 elsewhere as parity', () => {
      // Act
      const finding = only(auditSeeds(), 'parity:production-us:PAYMENT_GATEWAY_TIMEOUT_MS');

      // Assess
      expect(finding.actual?.text).toBe('3000');
      expect(finding.expected?.text).toBe('10000');
      expect(finding.message).toContain('but 10000 in staging-us, production-eu');
    });

    it('reports the client library image ahead in staging as a version finding', () => {
      // Act
      const finding = only(auditSeeds(), 'version:staging-us:api/deployment/api-server/client-library');

      // Assess
      expect(finding.key).toBe('deployment/api-server/client-library');
      expect(finding.actual?.text).toBe('registry.example.com/client-library:15.3');
      expect(finding.expected?.text).toBe('registry.example.com/client-library:15.1');
      expect(finding.comparedWith?.['production-eu']?.text).toBe('registry.example.com/client-library:15.1');
      expect(finding.fixes.revert?.command).toBe('kubectl -n api set image deployment/api-server client-library=registry.example.com/client-library:15.1');
      expect(finding.fixes.accept?.baselineEdit).toBeUndefined();
    });

    it('reports NEW_AUTH_FLOW still off in production after its rollout exception expired', () => {
      // Act
      const result = auditSeeds();

      // Assess
      expect(idsFor(result, 'NEW_AUTH_FLOW')).toEqual(['exception-expired:production-eu:NEW_AUTH_FLOW', 'exception-expired:production-us:NEW_AUTH_FLOW']);
      expect(only(result, 'exception-expired:production-eu:NEW_AUTH_FLOW').message).toBe(
        'NEW_AUTH_FLOW=false in production-eu was allowed until 2026-09-30 (owner carol, gradual rollout)',
      );
    });

    it('gives no finding for the declared expected differences LOG_LEVEL, RESOURCE_LIMITS_CPU and PAYMENT_GATEWAY_URL', () => {
      // Act
      const result = auditSeeds();

      // Assess
      expect(idsFor(result, 'RESOURCE_LIMITS_CPU')).toEqual([]);
      expect(idsFor(result, 'PAYMENT_GATEWAY_URL')).toEqual([]);
      expect(result.findings.filter((f) => f.key === 'LOG_LEVEL' && f.environment !== 'production-us')).toEqual([]);
    });

    it('turns a failed source into one source-error, no missing in that environment, and a partial audit', () => {
      // Prepare: production-eu's cluster could not be read; its Parameter Store was.
      const snapshots = seedSnapshots().map((snapshot) =>
        snapshot.environment !== 'production-eu'
          ? snapshot
          : {
              ...snapshot,
              observations: snapshot.observations.filter((o) => o.provenance.layer === 'ssm' || o.provenance.layer === 'file'),
              images: [],
              sources: [
                okSource('ssm:us-east-1:/production-eu/api/', 'ssm', ['ssm']),
                failedSource(
                  'eks:production-eu/api',
                  'eks',
                  ['env', 'configmap', 'secret'],
                  'cannot list deployments in namespace api of cluster production-eu: AccessDenied',
                ),
                okSource('file:production-eu/app-config.yml', 'file', ['file']),
              ],
            },
      );

      // Act
      const result = auditSeeds(snapshots);

      // Assess
      const errors = result.findings.filter((f) => f.type === 'source-error');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({
        id: 'source-error:production-eu:eks:production-eu/api',
        severity: 'high',
        message: 'cannot list deployments in namespace api of cluster production-eu: AccessDenied',
      });
      expect(result.findings.filter((f) => f.environment === 'production-eu' && f.type === 'missing')).toEqual([]);
      // The file layer ranks below the unread cluster: its EU pool size may be overridden there.
      expect(result.findings.filter((f) => f.environment === 'production-eu' && f.type === 'parity')).toEqual([]);
      // Parameter Store outranks the cluster, so the console change is still judged.
      expect(result.findings.map((f) => f.id)).toContain('changed:production-eu:API_TIMEOUT');
      expect(result.status).toBe('partial');
      expect(result.partialEnvironments).toEqual(['production-eu']);
      expect(result.counts['source-error']).toBe(1);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { UnknownEnvironmentError } from '../../../../lambdas/engine/analyse/errors.js';
import { FINDING_TYPES, type Baseline, type Finding, type Snapshot } from '../../../../lambdas/engine/model.js';
import { baseline, configMapValue, envVar, environment, exception, failedSource, fileValue, image, okSource, setting, snapshot, ssmValue } from './builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const staging = environment('staging', 'staging');
const prodUs = environment('prod-us', 'production');
const prodEu = environment('prod-eu', 'production', { region: 'eu-west-1' });

function run(base: Baseline, snapshots: Snapshot[], now = NOW): Finding[] {
  return [...analyse({ baseline: base, snapshots, now }).findings];
}

function ids(findings: readonly Finding[]): string[] {
  return findings.map((finding) => finding.id);
}

describe('Function: analyse', () => {
  describe('effective value', () => {
    it('takes the highest layer of the environment’s precedence, not the default one', () => {
      // Prepare: this application lets env vars override Parameter Store.
      const env = environment('prod-us', 'production', { precedence: ['file', 'ssm', 'configmap', 'env'] });
      const base = baseline({ environments: [env], settings: [setting('POOL', { value: '10' })] });

      // Act
      const findings = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'POOL', '99'), envVar('POOL', '10')])]);

      // Assess: the env var (10) wins, so nothing changed; the hidden SSM value is reported.
      expect(ids(findings)).toEqual(['shadowed:prod-us:POOL']);
      expect(findings[0]?.actual?.text).toBe('10');
    });

    it('ranks layers missing from the precedence list below every listed one', () => {
      // Prepare
      const env = environment('prod-us', 'production', { precedence: ['env', 'ssm'] });
      const base = baseline({ environments: [env], settings: [setting('POOL', { value: '10' })] });

      // Act
      const findings = run(base, [snapshot('prod-us', [configMapValue('POOL', '99'), envVar('POOL', '10')])]);

      // Assess
      expect(findings.map((f) => [f.id, f.actual?.text])).toEqual([['shadowed:prod-us:POOL', '10']]);
    });

    it('resolves two workloads disagreeing in the winning layer to the first by location and reports the conflict', () => {
      // Prepare
      const base = baseline({ environments: [prodUs], settings: [setting('POOL', { value: '10' })] });
      const worker = envVar('POOL', '30', { workload: 'deployment/worker' });
      const api = envVar('POOL', '10', { workload: 'deployment/api' });

      // Act
      const findings = run(base, [snapshot('prod-us', [worker, api])]);

      // Assess
      expect(ids(findings)).toEqual(['shadowed:prod-us:POOL']);
      expect(findings[0]?.message).toBe('POOL in prod-us: env deployment/worker container app (30) is hidden by env deployment/api container app (10)');
      expect(findings[0]?.fixes.revert?.command).toBe(`kubectl -n api set env deployment/worker -c app 'POOL=10'`);
    });

    it('calls a hidden value shadowed at medium severity when an out-of-band change is involved', () => {
      // Prepare
      const base = baseline({ environments: [prodUs], settings: [setting('POOL', { value: '10' })] });

      // Act
      const findings = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'POOL', '10'), envVar('POOL', '50', { changedBy: 'kubectl-set' })])]);

      // Assess
      expect(findings.map((f) => [f.id, f.severity])).toEqual([['shadowed:prod-us:POOL', 'medium']]);
    });

    it('does not report hidden copies that hold the same value', () => {
      const base = baseline({ environments: [prodUs], settings: [setting('POOL', { value: '10' })] });
      expect(run(base, [snapshot('prod-us', [ssmValue('prod-us', 'POOL', '10'), envVar('POOL', '10'), fileValue('POOL', '10')])])).toEqual([]);
    });
  });

  describe('expected value and comparison', () => {
    it('prefers the environment entry over the tier entry over the shared value', () => {
      // Prepare
      const base = baseline({
        environments: [staging, prodUs, prodEu],
        settings: [setting('MODE', { value: 'shared', perTier: { production: 'tier' }, perEnvironment: { 'prod-eu': 'eu' } })],
      });

      // Act
      const findings = run(base, [
        snapshot('staging', [ssmValue('staging', 'MODE', 'shared')]),
        snapshot('prod-us', [ssmValue('prod-us', 'MODE', 'tier')]),
        snapshot('prod-eu', [ssmValue('prod-eu', 'MODE', 'tier')]),
      ]);

      // Assess
      expect(findings.map((f) => [f.id, f.expected?.text])).toEqual([['changed:prod-eu:MODE', 'eu']]);
    });

    it('reports a key set where the baseline declares it must be absent (null) as changed with a delete revert', () => {
      // Prepare
      const base = baseline({ environments: [prodUs], settings: [setting('DEBUG_PORT', { value: '9229', perTier: { production: null } })] });

      // Act
      const findings = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'DEBUG_PORT', '9229')])]);

      // Assess
      expect(ids(findings)).toEqual(['changed:prod-us:DEBUG_PORT']);
      expect(findings[0]?.expected).toEqual({ text: '(absent)', secret: false });
      expect(findings[0]?.fixes.revert?.command).toBe(`aws ssm delete-parameter --name '/prod-us/api/DEBUG_PORT' --region us-east-1`);
    });

    it.each([
      ['integer', '010', '10'],
      ['number', '1.50', '1.5'],
      ['boolean', 'YES', 'true'],
      ['boolean', '0', 'false'],
      ['duration', '1m', '60s'],
      ['duration', '60000ms', '1m'],
      ['duration', '1h30m', '90m'],
    ] as const)('treats %s %s as equal to the declared %s', (type, live, declared) => {
      const base = baseline({ environments: [prodUs], settings: [setting('K', { value: declared, constraints: { type } })] });
      expect(run(base, [snapshot('prod-us', [ssmValue('prod-us', 'K', live)])])).toEqual([]);
    });

    it.each([
      [undefined, '10 ', '10'],
      ['string', 'Info', 'INFO'],
      ['duration', '60', '60s'],
      ['integer', '11', '10'],
    ] as const)('treats type %s %j as different from the declared %j', (type, live, declared) => {
      const base = baseline({
        environments: [prodUs],
        settings: [setting('K', { value: declared, constraints: type === undefined ? {} : { type } })],
      });
      expect(ids(run(base, [snapshot('prod-us', [ssmValue('prod-us', 'K', live)])]))).toEqual(['changed:prod-us:K']);
    });
  });

  describe('invalid', () => {
    it('reports a constraint violation once, as invalid at least high, instead of changed', () => {
      // Prepare
      const base = baseline({
        environments: [prodUs],
        settings: [setting('RETRIES', { value: '3', severity: 'low', constraints: { type: 'integer', min: 0, max: 10 } })],
      });

      // Act
      const findings = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'RETRIES', '50')])]);

      // Assess
      expect(findings.map((f) => [f.id, f.severity, f.expected?.text])).toEqual([['invalid:prod-us:RETRIES', 'high', '3']]);
      expect(findings[0]?.message).toContain('must be at most 10');
    });

    it('applies environment-scoped constraints over tier-scoped over global ones', () => {
      // Prepare: production allows only 1-5, but prod-eu is allowed up to 8.
      const base = baseline({
        environments: [prodUs, prodEu],
        settings: [
          setting('WORKERS', {
            constraints: { type: 'integer', max: 100 },
            scopedConstraints: { production: { max: 5 }, 'prod-eu': { max: 8 } },
          }),
        ],
      });

      // Act
      const findings = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'WORKERS', '7')]), snapshot('prod-eu', [ssmValue('prod-eu', 'WORKERS', '7')])]);

      // Assess
      expect(ids(findings)).toEqual(['invalid:prod-us:WORKERS']);
    });

    it('anchors patterns: a value must match as a whole', () => {
      const base = baseline({
        environments: [prodUs],
        settings: [setting('REGION_CODE', { constraints: { pattern: '[a-z]{2}-[a-z]+-\\d' } })],
      });
      const findings = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'REGION_CODE', 'xeu-west-1')])]);
      expect(ids(findings)).toEqual(['invalid:prod-us:REGION_CODE']);
    });
  });

  describe('missing and failed sources', () => {
    it('reports a required key no source holds as missing, and a non-required one not at all', () => {
      // Prepare
      const base = baseline({
        environments: [prodUs],
        settings: [setting('NEEDED', { value: 'x' }), setting('OPTIONAL', { value: 'y', required: false })],
      });

      // Act
      const findings = run(base, [snapshot('prod-us', [])]);

      // Assess
      expect(ids(findings)).toEqual(['missing:prod-us:NEEDED']);
    });

    it('requires a setting declared for some environments only where it has a value, and a presence-only one everywhere', () => {
      // Prepare
      const stagingUs = environment('staging-us', 'staging');
      const base = baseline({
        environments: [prodUs, stagingUs],
        settings: [setting('PROD_ONLY', { perEnvironment: { 'prod-us': '10s' }, required: true }), setting('DB_PASSWORD', { secret: true, required: true })],
      });

      // Act
      const findings = run(base, [snapshot('prod-us', []), snapshot('staging-us', [])]);

      // Assess
      expect(ids(findings)).toEqual(['missing:prod-us:DB_PASSWORD', 'missing:prod-us:PROD_ONLY', 'missing:staging-us:DB_PASSWORD']);
    });

    it('puts a missing key in the layer the setting declares, next to the environment’s other keys of that layer', () => {
      // Prepare
      const base = baseline({
        environments: [prodUs],
        settings: [setting('FEATURE_X', { value: 'on', layer: 'configmap' }), setting('OTHER', { value: 'a' })],
      });

      // Act
      const findings = run(base, [snapshot('prod-us', [configMapValue('OTHER', 'a', { configMap: 'app-settings', namespace: 'shop' })])]);

      // Assess
      expect(findings[0]?.fixes.revert?.command).toBe(`kubectl -n shop patch configmap app-settings --type merge -p '{"data":{"FEATURE_X":"on"}}'`);
    });

    it('reports no missing at all in an environment where one source failed', () => {
      // Prepare
      const base = baseline({ environments: [prodUs], settings: [setting('A', { value: '1' }), setting('B', { value: '2' })] });
      const sources = [okSource('eks:prod-us/api', 'eks', ['env', 'configmap']), failedSource('ssm:us-east-1:/prod-us/api/', 'ssm', ['ssm'])];

      // Act
      const result = analyse({ baseline: base, snapshots: [snapshot('prod-us', [envVar('A', '1')], { sources })], now: NOW });

      // Assess
      expect(ids(result.findings)).toEqual(['source-error:prod-us:ssm:us-east-1:/prod-us/api/']);
      expect(result.status).toBe('partial');
    });

    it('judges no key, declared or not, whose winning layer ranks below a failed source (a partial run never re-alerts)', () => {
      // Prepare: Parameter Store failed; the env vars it could override are not judged, STRAY included:
      // reported from the env var now, it would be re-alerted as changed once SSM is read again.
      const base = baseline({ environments: [prodUs], settings: [setting('A', { value: '1' })] });
      const sources = [okSource('eks:prod-us/api', 'eks', ['env']), failedSource('ssm:us-east-1:/prod-us/api/', 'ssm', ['ssm'])];

      // Act
      const findings = run(base, [snapshot('prod-us', [envVar('A', 'wrong'), envVar('STRAY', 'x')], { sources })]);

      // Assess
      expect(ids(findings).sort()).toEqual(['source-error:prod-us:ssm:us-east-1:/prod-us/api/']);
    });

    it('treats an environment whose snapshot lists no source as partial: nothing proves a key absent', () => {
      const base = baseline({ environments: [prodUs], settings: [setting('A', { value: '1' })] });
      const result = analyse({ baseline: base, snapshots: [snapshot('prod-us', [], { sources: [] })], now: NOW });
      expect(result.findings).toEqual([]);
      expect(result.status).toBe('partial');
    });
  });

  describe('unmanaged', () => {
    it('skips keys matching an ignore glob and reports the rest at the configured severity', () => {
      // Prepare
      const base = baseline({
        environments: [prodUs],
        ignore: ['KUBERNETES_*', 'HOSTNAM?'],
        unmanaged: { policy: 'report', severity: 'info' },
      });

      // Act
      const findings = run(base, [snapshot('prod-us', [envVar('KUBERNETES_SERVICE_HOST', '10.0.0.1'), envVar('HOSTNAME', 'pod-1'), envVar('HOSTNAMES', 'x')])]);

      // Assess
      expect(findings.map((f) => [f.id, f.severity])).toEqual([['unmanaged:prod-us:HOSTNAMES', 'info']]);
    });

    it('reports nothing for undeclared keys when the policy is ignore', () => {
      const base = baseline({ environments: [prodUs], unmanaged: { policy: 'ignore', severity: 'low' } });
      expect(run(base, [snapshot('prod-us', [envVar('STRAY', 'x')])])).toEqual([]);
    });

    it('removes an undeclared key from every place it is set', () => {
      // Prepare
      const base = baseline({ environments: [prodUs] });

      // Act
      const [finding] = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'OLD_FLAG', 'on'), configMapValue('OLD_FLAG', 'on')])]);

      // Assess
      expect(finding?.fixes.revert?.command).toBe(
        `aws ssm delete-parameter --name '/prod-us/api/OLD_FLAG' --region us-east-1 && kubectl -n api patch configmap api-config --type merge -p '{"data":{"OLD_FLAG":null}}'`,
      );
    });
  });

  describe('parity', () => {
    it('takes the most common value as reference and reports each environment that differs', () => {
      // Prepare
      const base = baseline({ environments: [staging, prodUs, prodEu], settings: [setting('CACHE_TTL', { parity: 'all' })] });

      // Act
      const findings = run(base, [
        snapshot('staging', [ssmValue('staging', 'CACHE_TTL', '60')]),
        snapshot('prod-us', [ssmValue('prod-us', 'CACHE_TTL', '300')]),
        snapshot('prod-eu', [ssmValue('prod-eu', 'CACHE_TTL', '300')]),
      ]);

      // Assess
      expect(findings.map((f) => [f.id, f.expected?.text, f.actual?.text])).toEqual([['parity:staging:CACHE_TTL', '300', '60']]);
    });

    it('blames nobody on a tie: one finding on the group, every value shown', () => {
      // Prepare: baseline declares prod-eu before prod-us; declaration order says nothing about who drifted.
      const base = baseline({ environments: [prodEu, prodUs], settings: [setting('CACHE_TTL', { parity: 'tier' })] });

      // Act
      const findings = run(base, [
        snapshot('prod-us', [ssmValue('prod-us', 'CACHE_TTL', '300')]),
        snapshot('prod-eu', [ssmValue('prod-eu', 'CACHE_TTL', '60')]),
      ]);

      // Assess
      expect(ids(findings)).toEqual(['parity:prod-eu+prod-us:CACHE_TTL']);
      expect(findings[0]?.comparedWith).toEqual({ 'prod-eu': { text: '60', secret: false }, 'prod-us': { text: '300', secret: false } });
      expect(findings[0]?.message).toContain('no value is held by a majority');
      expect(findings[0]?.fixes.accept?.baselineEdit).toEqual({
        path: ['settings', 'CACHE_TTL', 'environments'],
        value: { 'prod-eu': '60', 'prod-us': '300' },
        op: 'set',
      });
    });

    it('points a tie at the side changed outside the pipeline', () => {
      const base = baseline({ environments: [prodEu, prodUs], settings: [setting('CACHE_TTL', { parity: 'tier' })] });
      const byHand = envVar('CACHE_TTL', '300');
      const findings = run(base, [
        snapshot('prod-us', [{ ...byHand, provenance: { ...byHand.provenance, changedBy: 'kubectl-set', changedAt: '2026-11-01T00:00:00Z' } }]),
        snapshot('prod-eu', [envVar('CACHE_TTL', '60')]),
      ]);
      expect(ids(findings)).toEqual(['parity:prod-us:CACHE_TTL']);
      expect(findings[0]?.expected?.text).toBe('60');
    });

    it('compares only within a tier when parity is tier', () => {
      const base = baseline({ environments: [staging, prodUs, prodEu], settings: [setting('CACHE_TTL', { parity: 'tier' })] });
      const findings = run(base, [
        snapshot('staging', [ssmValue('staging', 'CACHE_TTL', '1')]),
        snapshot('prod-us', [ssmValue('prod-us', 'CACHE_TTL', '300')]),
        snapshot('prod-eu', [ssmValue('prod-eu', 'CACHE_TTL', '300')]),
      ]);
      expect(findings).toEqual([]);
    });

    it('counts absence as a value when the setting is not required', () => {
      // Prepare
      const base = baseline({ environments: [staging, prodUs, prodEu], settings: [setting('TRACE', { parity: 'all' })] });

      // Act
      const findings = run(base, [snapshot('staging', []), snapshot('prod-us', []), snapshot('prod-eu', [envVar('TRACE', 'on')])]);

      // Assess
      expect(ids(findings)).toEqual(['parity:prod-eu:TRACE']);
      expect(findings[0]?.expected).toEqual({ text: '(absent)', secret: false });
      expect(findings[0]?.fixes.revert?.command).toBe(`kubectl -n api set env deployment/api-server -c app 'TRACE-'`);
    });

    it('gives no parity finding when no environment differs, even if spellings differ for a typed setting', () => {
      const base = baseline({
        environments: [prodUs, prodEu],
        settings: [setting('TIMEOUT', { parity: 'all', constraints: { type: 'duration' } })],
      });
      const findings = run(base, [snapshot('prod-us', [ssmValue('prod-us', 'TIMEOUT', '1m')]), snapshot('prod-eu', [ssmValue('prod-eu', 'TIMEOUT', '60s')])]);
      expect(findings).toEqual([]);
    });
  });

  describe('exceptions', () => {
    const base = (exceptions: Baseline['exceptions']): Baseline =>
      baseline({ environments: [prodUs], settings: [setting('LOG_LEVEL', { value: 'INFO', severity: 'low' })], exceptions });
    const live = [snapshot('prod-us', [configMapValue('LOG_LEVEL', 'DEBUG')])];

    it('silences a deviation an active exception allows', () => {
      expect(run(base([exception('LOG_LEVEL', { environment: 'prod-us', value: 'DEBUG' })]), live)).toEqual([]);
    });

    it('holds an exception through the last minute of its expiry day (UTC)', () => {
      const allowed = base([exception('LOG_LEVEL', { tier: 'production', expires: '2026-11-23' })]);
      expect(run(allowed, live, new Date('2026-11-23T23:59:59Z'))).toEqual([]);
      expect(ids(run(allowed, live, new Date('2026-11-24T00:00:00Z')))).toEqual(['exception-expired:prod-us:LOG_LEVEL']);
    });

    it('does not let an exception for another value, environment or key hide a deviation', () => {
      const findings = run(
        base([exception('LOG_LEVEL', { value: 'TRACE' }), exception('LOG_LEVEL', { environment: 'staging' }), exception('OTHER', {})]),
        live,
      );
      expect(ids(findings)).toEqual(['changed:prod-us:LOG_LEVEL']);
    });

    it('reports an expired exception whose deviation is live as exception-expired at least medium, and no changed', () => {
      // Act
      const findings = run(base([exception('LOG_LEVEL', { owner: 'bob', reason: 'INC-1', expires: '2026-10-01' })]), live);

      // Assess
      expect(findings.map((f) => [f.id, f.severity])).toEqual([['exception-expired:prod-us:LOG_LEVEL', 'medium']]);
      expect(findings[0]?.message).toBe('LOG_LEVEL=DEBUG in prod-us was allowed until 2026-10-01 (owner bob, INC-1)');
      expect(findings[0]?.fixes.accept?.baselineEdit?.value).toBe('DEBUG');
    });

    it('reports nothing for an expired exception once the deviation is gone', () => {
      const findings = run(base([exception('LOG_LEVEL', { expires: '2026-01-01' })]), [snapshot('prod-us', [configMapValue('LOG_LEVEL', 'INFO')])]);
      expect(findings).toEqual([]);
    });
  });

  describe('version', () => {
    it('compares digests when tags agree', () => {
      // Prepare
      const base = baseline({ environments: [staging, prodUs, prodEu] });
      const at = (digest: string) => image('repo/api', '1.0', { digest });

      // Act
      const findings = run(base, [
        snapshot('staging', [], { images: [at('sha256:aaa')] }),
        snapshot('prod-us', [], { images: [at('sha256:bbb')] }),
        snapshot('prod-eu', [], { images: [at('sha256:aaa')] }),
      ]);

      // Assess
      expect(ids(findings)).toEqual(['version:prod-us:api/deployment/api-server/app']);
      expect(findings[0]?.fixes.revert?.command).toBe('kubectl -n api set image deployment/api-server app=repo/api:1.0@sha256:aaa');
    });
  });

  describe('result', () => {
    it('sorts findings worst first, then by environment, key and type, and counts every type', () => {
      // Prepare
      const base = baseline({
        environments: [prodUs, prodEu],
        settings: [setting('A', { value: '1', severity: 'low' }), setting('B', { value: '1', severity: 'critical' })],
      });

      // Act
      const result = analyse({
        baseline: base,
        snapshots: [
          snapshot('prod-us', [ssmValue('prod-us', 'A', '2'), ssmValue('prod-us', 'B', '2')]),
          snapshot('prod-eu', [ssmValue('prod-eu', 'A', '2'), ssmValue('prod-eu', 'B', '2')]),
        ],
        now: NOW,
      });

      // Assess
      expect(ids(result.findings)).toEqual(['changed:prod-eu:B', 'changed:prod-us:B', 'changed:prod-eu:A', 'changed:prod-us:A']);
      expect(Object.keys(result.counts).sort()).toEqual([...FINDING_TYPES].sort());
      expect(result.counts.changed).toBe(4);
      expect(result.counts.missing).toBe(0);
    });

    it('never mutates its inputs', () => {
      // Prepare
      const base = baseline({ environments: [prodUs], settings: [setting('A', { value: '1' })] });
      const snapshots = [snapshot('prod-us', [envVar('A', '2', { changedBy: 'kubectl-set' }), ssmValue('prod-us', 'A', '3')])];
      const before = JSON.stringify(snapshots);

      // Act
      analyse({ baseline: base, snapshots, now: NOW });

      // Assess
      expect(JSON.stringify(snapshots)).toBe(before);
    });

    it('rejects a snapshot of an environment the baseline does not declare, listing the known ones', () => {
      const base = baseline({ environments: [prodUs, prodEu] });
      const act = () => analyse({ baseline: base, snapshots: [snapshot('prod-ap', [])], now: NOW });
      expect(act).toThrow(UnknownEnvironmentError);
      expect(act).toThrow('unknown environment prod-ap: known environments: prod-us, prod-eu');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { explain } from '../../../../lambdas/engine/analyse/explain.js';
import { isSecretKey } from '../../../../lambdas/engine/analyse/show-value.js';
import type { Finding, Observation, Snapshot } from '../../../../lambdas/engine/model.js';
import { baseline, envVar, environment, exception, failedSource, okSource, setting, snapshot, ssmValue } from '../analyse/builders.js';
import { sampler, secretSamples } from './secret-samples.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const prodUs = environment('prod-us', 'production');
const prodEu = environment('prod-eu', 'production');
const prodAp = environment('prod-ap', 'production');
const r = sampler(4242);
const PASSWORD = r(18);
const OTHER_PASSWORD = r(18);
const url = (password: string): string => `postgres://app:${password}@db.internal:5432/app`;

function run(base: Parameters<typeof baseline>[0], snapshots: readonly Snapshot[]): readonly Finding[] {
  return analyse({ baseline: baseline(base), snapshots, now: NOW }).findings;
}

/** A SecureString at an SSM version, as the SSM source reports it: a present secret, never its value. */
function secureString(environmentName: string, key: string, version: string): Observation {
  const observation = ssmValue(environmentName, key, '', { secure: true });
  return { ...observation, provenance: { ...observation.provenance, version } };
}

describe('Function: analyse (secrets by value)', () => {
  it('withholds a secret-shaped value under an ordinary name, and accepts the key as secret: true, never with its value', () => {
    // Act
    const findings = run({ environments: [prodUs] }, [snapshot('prod-us', [envVar('DATABASE_URL', url(PASSWORD))])]);

    // Assess
    expect(findings.map((f) => [f.id, f.actual])).toEqual([['unmanaged:prod-us:DATABASE_URL', { text: '[secret]', secret: true }]]);
    expect(findings[0]?.message).toBe('DATABASE_URL is set in prod-us (env deployment/api-server container app) but the baseline does not declare it');
    expect(findings[0]?.fixes.accept?.baselineEdit).toEqual({ path: ['settings', 'DATABASE_URL', 'secret'], value: 'true', op: 'set' });
    expect(JSON.stringify(findings)).not.toContain(PASSWORD);
  });

  it.each(Object.entries(secretSamples(99)))('never shows a %s value in any finding', (_name, value) => {
    const findings = run({ environments: [prodUs] }, [snapshot('prod-us', [envVar('SETTING', value), ssmValue('prod-us', 'SETTING', value)])]);
    expect(findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(findings)).not.toContain(value);
  });

  it('compares secret-shaped values across environments by fingerprint: the same secret agrees, a different one is reported without either value', () => {
    // Prepare
    const base = { environments: [prodUs, prodEu, prodAp], settings: [setting('DATABASE_URL', { parity: 'tier' })] };
    const holding = (us: string, eu: string, ap: string): Snapshot[] => [
      snapshot('prod-us', [envVar('DATABASE_URL', url(us))]),
      snapshot('prod-eu', [envVar('DATABASE_URL', url(eu))]),
      snapshot('prod-ap', [envVar('DATABASE_URL', url(ap))]),
    ];

    // Act
    const same = run(base, holding(PASSWORD, PASSWORD, PASSWORD));
    const oneRotated = run(base, holding(PASSWORD, OTHER_PASSWORD, PASSWORD));

    // Assess
    expect(same).toEqual([]);
    expect(oneRotated.map((f) => f.id)).toEqual(['parity:prod-eu:DATABASE_URL']);
    const finding = oneRotated[0] as Finding;
    expect(finding.actual).toEqual({ text: '[secret]', secret: true });
    expect(finding.expected).toEqual({ text: '[secret]', secret: true });
    expect(Object.values(finding.comparedWith ?? {})).toEqual([
      { text: '[secret]', secret: true },
      { text: '[secret]', secret: true },
      { text: '[secret]', secret: true },
    ]);
    expect(finding.message).toContain('prod-eu (env deployment/api-server container app)');
    expect(finding.fixes.revert?.command).toBeUndefined();
    expect(finding.fixes.accept?.baselineEdit).toBeUndefined();
    const text = JSON.stringify(oneRotated);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(OTHER_PASSWORD);
  });

  it('still reports a credential-free value that differs from a credential-bearing one, showing only the plain one', () => {
    const findings = run({ environments: [prodUs, prodEu], settings: [setting('DATABASE_URL', { parity: 'tier' })] }, [
      snapshot('prod-us', [envVar('DATABASE_URL', 'postgres://db.internal:5432/app')]),
      snapshot('prod-eu', [envVar('DATABASE_URL', url(PASSWORD))]),
    ]);
    // Two environments and no majority: one finding on the group, the secret side shown as [secret].
    expect(findings.map((f) => [f.id, f.comparedWith])).toEqual([
      [
        'parity:prod-us+prod-eu:DATABASE_URL',
        { 'prod-us': { text: 'postgres://db.internal:5432/app', secret: false }, 'prod-eu': { text: '[secret]', secret: true } },
      ],
    ]);
    expect(JSON.stringify(findings)).not.toContain(PASSWORD);
  });

  it('falls back to presence when one member of the group was never read by value (a SecureString)', () => {
    const findings = run({ environments: [prodUs, prodEu], settings: [setting('DATABASE_URL', { parity: 'tier' })] }, [
      snapshot('prod-us', [ssmValue('prod-us', 'DATABASE_URL', '', { secure: true })]),
      snapshot('prod-eu', [envVar('DATABASE_URL', url(PASSWORD))]),
    ]);
    expect(findings).toEqual([]);
  });

  it('reports a live secret-shaped value that is not the declared value, showing neither', () => {
    // Prepare
    const base = { environments: [prodUs], settings: [setting('DATABASE_URL', { value: 'postgres://db.internal:5432/app' })] };

    // Act
    const findings = run(base, [snapshot('prod-us', [envVar('DATABASE_URL', url(PASSWORD))])]);

    // Assess
    expect(findings.map((f) => [f.id, f.actual?.text])).toEqual([['changed:prod-us:DATABASE_URL', '[secret]']]);
    expect(findings[0]?.fixes.revert?.command).toBeUndefined();
    expect(findings[0]?.fixes.accept?.baselineEdit).toBeUndefined();
    expect(JSON.stringify(findings)).not.toContain(PASSWORD);
  });

  it('treats a setting whose declared value is secret-shaped as secret: presence only, the declared value never repeated', () => {
    // Prepare
    const base = { environments: [prodUs], settings: [setting('DATABASE_URL', { value: url(PASSWORD) })] };

    // Act
    const differs = run(base, [snapshot('prod-us', [envVar('DATABASE_URL', url(OTHER_PASSWORD))])]);
    const absent = run(base, [snapshot('prod-us', [])]);

    // Assess
    expect(differs).toEqual([]);
    expect(absent.map((f) => [f.id, f.expected])).toEqual([['missing:prod-us:DATABASE_URL', { text: '[secret]', secret: true }]]);
    expect(absent[0]?.fixes.revert?.command).toBeUndefined();
    expect(JSON.stringify(absent)).not.toContain(PASSWORD);
  });

  it('compares and shows a secret-shaped value when the baseline says secret: false in so many words', () => {
    const key = `AKIA${r(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const findings = run(
      { environments: [prodUs], settings: [setting('PUBLIC_KEY_ID', { value: 'AKIA0000000000000000', secret: false, secretDeclared: true })] },
      [snapshot('prod-us', [envVar('PUBLIC_KEY_ID', key)])],
    );
    expect(findings.map((f) => [f.id, f.actual?.text])).toEqual([['changed:prod-us:PUBLIC_KEY_ID', key]]);
  });

  it('never reports a secret-shaped value as shadowed, as for any secret', () => {
    const findings = run({ environments: [prodUs], settings: [setting('DATABASE_URL')] }, [
      snapshot('prod-us', [ssmValue('prod-us', 'DATABASE_URL', url(PASSWORD)), envVar('DATABASE_URL', url(OTHER_PASSWORD))]),
    ]);
    expect(findings).toEqual([]);
  });
});

describe('Function: isSecretKey (whole-word PASS and PWD)', () => {
  it.each(['DB_PASS', 'smtp.pass', 'REDIS_PWD', 'GPG_PASSPHRASE', 'JWT_SIGNING_KEY', 'TLS_KEY', 'HMAC_KEY'])('calls %s secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['BYPASS_CACHE', 'COMPASS_URL', 'PASSTHROUGH_MODE', 'PWD', 'CACHE_KEY_PREFIX', 'PARTITION_KEY'])('leaves %s alone', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe('Function: explain (secrets by value)', () => {
  it('shows a secret-shaped value as [secret] and says which shape made it secret', () => {
    // Act
    const explanation = explain({
      baseline: baseline({ environments: [prodUs], settings: [setting('DATABASE_URL')] }),
      snapshots: [snapshot('prod-us', [envVar('DATABASE_URL', url(PASSWORD))])],
      now: NOW,
      environment: 'prod-us',
      key: 'DATABASE_URL',
    });

    // Assess
    expect(explanation.setting).toMatchObject({ secret: true, detected: 'url-password' });
    expect(explanation.effective).toEqual({ text: '[secret]', secret: true });
    expect(explanation.observations.map((o) => o.value.text)).toEqual(['[secret]']);
    expect(JSON.stringify(explanation)).not.toContain(PASSWORD);
  });
});

describe('Rule: secret-version', () => {
  const base = { environments: [prodUs, prodEu, prodAp], settings: [setting('DB_PASSWORD', { secret: true, parity: 'tier' })] };
  const at = (us: string, eu: string, ap: string): Snapshot[] => [
    snapshot('prod-us', [secureString('prod-us', 'DB_PASSWORD', us)]),
    snapshot('prod-eu', [secureString('prod-eu', 'DB_PASSWORD', eu)]),
    snapshot('prod-ap', [secureString('prod-ap', 'DB_PASSWORD', ap)]),
  ];

  it('reports, as info, the environment whose SecureString is at another version than the rest of its parity group', () => {
    // Act
    const findings = run(base, at('4', '7', '4'));

    // Assess
    expect(findings.map((f) => [f.id, f.type, f.severity])).toEqual([['secret-version:prod-eu:DB_PASSWORD', 'secret-version', 'info']]);
    const finding = findings[0] as Finding;
    expect(finding.message).toBe(
      'DB_PASSWORD is at SecureString version 7 in prod-eu (ssm /prod-eu/api/DB_PASSWORD) but version 4 in prod-us, prod-ap; ' +
        'its value is never read, so only versions are compared, and no difference is declared between production environments',
    );
    expect(finding.actual).toEqual({ text: '[secret]', secret: true });
    expect(finding.comparedWith).toEqual({
      'prod-us': { text: 'version 4', secret: false },
      'prod-eu': { text: 'version 7', secret: false },
      'prod-ap': { text: 'version 4', secret: false },
    });
    expect(finding.fixes.revert?.command).toBeUndefined();
    expect(finding.fixes.accept?.baselineEdit).toBeUndefined();
  });

  it('says nothing when the versions agree, when the setting has no parity, or across tiers under parity: tier', () => {
    expect(run(base, at('4', '4', '4'))).toEqual([]);
    expect(run({ ...base, settings: [setting('DB_PASSWORD', { secret: true, parity: 'none' })] }, at('4', '7', '4'))).toEqual([]);
    const staging = environment('staging-us', 'staging');
    expect(
      run({ environments: [prodUs, staging], settings: base.settings }, [
        snapshot('prod-us', [secureString('prod-us', 'DB_PASSWORD', '4')]),
        snapshot('staging-us', [secureString('staging-us', 'DB_PASSWORD', '9')]),
      ]),
    ).toEqual([]);
  });

  it('leaves an absent member to parity and a group with an unread member unjudged', () => {
    // Act
    const absent = run(base, [
      snapshot('prod-us', [secureString('prod-us', 'DB_PASSWORD', '4')]),
      snapshot('prod-eu', [secureString('prod-eu', 'DB_PASSWORD', '7')]),
      snapshot('prod-ap', []),
    ]);
    const unread = run(base, [
      snapshot('prod-us', [secureString('prod-us', 'DB_PASSWORD', '4')]),
      snapshot('prod-eu', [secureString('prod-eu', 'DB_PASSWORD', '7')]),
      snapshot('prod-ap', [], { sources: [failedSource('ssm:us-east-1:/prod-ap/api/', 'ssm', ['ssm']), okSource('eks:prod-ap/api', 'eks', ['env'])] }),
    ]);

    // Assess
    expect(absent.map((f) => f.type)).toEqual(['parity']);
    expect(unread.map((f) => f.type)).toEqual(['source-error']);
  });

  it('is silenced by an active exception for the environment', () => {
    const findings = run({ ...base, exceptions: [exception('DB_PASSWORD', { environment: 'prod-eu' })] }, at('4', '7', '4'));
    expect(findings).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { isSecretKey, showValue } from '../../../../lambdas/engine/analyse/show-value.js';
import type { Finding } from '../../../../lambdas/engine/model.js';
import { baseline, envVar, environment, secretRef, setting, snapshot, ssmValue } from '../analyse/builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const prodUs = environment('prod-us', 'production');
const prodEu = environment('prod-eu', 'production');
const CANARY = 'canary-value-9f8e7d';

function audit(...args: Parameters<typeof baseline>): (snapshots: Parameters<typeof analyse>[0]['snapshots']) => readonly Finding[] {
  const base = baseline(...args);
  return (snapshots) => analyse({ baseline: base, snapshots, now: NOW }).findings;
}

describe('Function: isSecretKey', () => {
  it.each(['DB_PASSWORD', 'db_passwd', 'STRIPE_API_KEY', 'GITHUB_APIKEY', 'JWT_SECRET', 'AUTH_TOKEN', 'TLS_PRIVATE_KEY', 'AWS_CREDENTIALS'])(
    'calls %s secret by its name',
    (key) => expect(isSecretKey(key)).toBe(true),
  );

  it('calls a declared secret setting secret whatever its name, and an ordinary name not secret', () => {
    expect(isSecretKey('DSN', { secret: true })).toBe(true);
    expect(isSecretKey('LOG_LEVEL', { secret: false })).toBe(false);
  });
});

describe('Function: showValue', () => {
  it('shows [secret] for secret observations and secret-looking keys, the text otherwise', () => {
    expect(showValue('DSN', { kind: 'secret', ref: 'db/dsn' })).toEqual({ text: '[secret]', secret: true });
    expect(showValue('API_TOKEN', CANARY)).toEqual({ text: '[secret]', secret: true });
    expect(showValue('LOG_LEVEL', { kind: 'plain', value: 'INFO' })).toEqual({ text: 'INFO', secret: false });
  });
});

describe('Function: analyse (secrets)', () => {
  it('never compares a secret setting’s value: a differing live value gives no finding', () => {
    const run = audit({ environments: [prodUs], settings: [setting('DB_PASSWORD', { value: 'declared', secret: true })] });
    expect(run([snapshot('prod-us', [envVar('DB_PASSWORD', CANARY)])])).toEqual([]);
  });

  it('reports a missing secret with a revert that says to restore it, never a command with a value', () => {
    // Prepare
    const run = audit({ environments: [prodUs], settings: [setting('DB_PASSWORD', { value: CANARY, secret: true })] });

    // Act
    const findings = run([snapshot('prod-us', [])]);

    // Assess
    expect(findings.map((f) => f.id)).toEqual(['missing:prod-us:DB_PASSWORD']);
    expect(findings[0]?.expected).toEqual({ text: '[secret]', secret: true });
    expect(findings[0]?.fixes.revert?.command).toBeUndefined();
    expect(findings[0]?.fixes.revert?.summary).toContain('secret store');
    expect(JSON.stringify(findings)).not.toContain(CANARY);
  });

  it('reports an undeclared secret-looking key with its value redacted and accepts it as secret: true', () => {
    // Act
    const findings = audit({ environments: [prodUs] })([snapshot('prod-us', [envVar('STRIPE_API_KEY', CANARY)])]);

    // Assess
    expect(findings[0]?.actual).toEqual({ text: '[secret]', secret: true });
    expect(findings[0]?.fixes.accept?.baselineEdit).toEqual({ path: ['settings', 'STRIPE_API_KEY', 'secret'], value: 'true', op: 'set' });
    expect(findings[0]?.fixes.revert?.command).toBe(`kubectl -n api set env deployment/api-server -c app 'STRIPE_API_KEY-'`);
    expect(JSON.stringify(findings)).not.toContain(CANARY);
  });

  it('compares secrets across environments by presence only', () => {
    // Prepare
    const run = audit({ environments: [prodUs, prodEu], settings: [setting('SIGNING_KEY', { secret: true, parity: 'all' })] });

    // Act
    const same = run([
      snapshot('prod-us', [ssmValue('prod-us', 'SIGNING_KEY', '', { secure: true })]),
      snapshot('prod-eu', [secretRef('SIGNING_KEY', 'keys')]),
    ]);
    const oneAbsent = run([snapshot('prod-us', [ssmValue('prod-us', 'SIGNING_KEY', '', { secure: true })]), snapshot('prod-eu', [])]);

    // Assess: a tie (present vs absent) blames nobody; the secret is shown as [secret], never written.
    expect(same).toEqual([]);
    expect(oneAbsent.map((f) => [f.id, f.comparedWith])).toEqual([
      ['parity:prod-us+prod-eu:SIGNING_KEY', { 'prod-us': { text: '[secret]', secret: true }, 'prod-eu': { text: '(absent)', secret: false } }],
    ]);
    expect(oneAbsent[0]?.fixes.revert?.command).toBeUndefined();
    expect(oneAbsent[0]?.fixes.accept?.baselineEdit).toBeUndefined();
  });

  it('never reports secret-looking keys as shadowed, since that would compare their values', () => {
    const run = audit({ environments: [prodUs] });
    const findings = run([snapshot('prod-us', [ssmValue('prod-us', 'APP_TOKEN', 'a'), envVar('APP_TOKEN', 'b')])]);
    expect(findings.map((f) => f.type)).toEqual(['unmanaged']);
  });
});

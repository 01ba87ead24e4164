import { describe, expect, it } from 'vitest';
import { applyBaselineEdit, BaselineEditError } from '../../../../lambdas/engine/baseline/apply-baseline-edit.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { BaselineEdit } from '../../../../lambdas/engine/model.js';
import { sampler } from './secret-samples.js';

const PASSWORD = sampler(5150)(18);
const URL_WITH_PASSWORD = `postgres://app:${PASSWORD}@db.internal:5432/app`;

function attempt(yaml: string, edit: BaselineEdit): () => unknown {
  const files = [{ name: 'baseline.yaml', text: yaml }];
  const parsed = parseBaseline(files);
  if (!parsed.ok) throw new Error(`invalid test baseline: ${JSON.stringify(parsed.issues)}`);
  return () => applyBaselineEdit(files, parsed.baseline, edit);
}

const BASELINE = `environments:
  prod-eu: { tier: production, region: eu-west-1 }
settings:
  DATABASE_URL: { parity: tier }
`;

describe('Function: applyBaselineEdit (secret-shaped values)', () => {
  it('refuses to write a secret-shaped value, says how to declare the key instead, and never repeats the value', () => {
    // Act
    const act = attempt(BASELINE, { path: ['settings', 'DATABASE_URL', 'environments', 'prod-eu'], value: URL_WITH_PASSWORD, op: 'set' });

    // Assess
    let error: unknown;
    try {
      act();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BaselineEditError);
    expect((error as BaselineEditError).code).toBe('secret-value');
    expect((error as Error).message).toBe(
      'cannot write settings.DATABASE_URL.environments.prod-eu: the value looks like a password in a URL, and a secret is never written to the baseline; ' +
        'declare settings.DATABASE_URL.secret: true instead (DATABASE_URL is then audited by presence only), ' +
        'or settings.DATABASE_URL.secret: false if the value is not secret',
    );
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('refuses the value of an undeclared key and of an exception as well', () => {
    const token = `ghp_${sampler(6)(36)}`;
    expect(attempt(BASELINE, { path: ['settings', 'DEPLOY', 'value'], value: token, op: 'set' })).toThrow(/looks like a GitHub token/);
    expect(
      attempt(BASELINE, {
        path: ['exceptions'],
        op: 'append',
        value: { key: 'DATABASE_URL', environment: 'prod-eu', value: URL_WITH_PASSWORD, owner: 'alice', reason: 'INC-1', expires: '2026-12-31' },
      }),
    ).toThrow(/declare settings\.DATABASE_URL\.secret: true/);
  });

  it('writes a plain value, and a secret-shaped one for a key the baseline declares secret: false', () => {
    const plain = attempt(BASELINE, {
      path: ['settings', 'DATABASE_URL', 'environments', 'prod-eu'],
      value: 'postgres://db.internal:5432/app',
      op: 'set',
    })() as { text: string };
    expect(plain.text).toContain('prod-eu: postgres://db.internal:5432/app');
    const optedOut = BASELINE.replace('DATABASE_URL: { parity: tier }', 'DATABASE_URL: { parity: tier, secret: false }');
    const written = attempt(optedOut, { path: ['settings', 'DATABASE_URL', 'environments', 'prod-eu'], value: URL_WITH_PASSWORD, op: 'set' })() as {
      text: string;
    };
    expect(written.text).toContain(URL_WITH_PASSWORD);
  });
});

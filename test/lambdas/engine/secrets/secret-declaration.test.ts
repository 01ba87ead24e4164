import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { explain } from '../../../../lambdas/engine/analyse/explain.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline } from '../../../../lambdas/engine/model.js';
import { baseline, envVar, environment, setting, snapshot } from '../analyse/builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const prodUs = environment('prod-us', 'production');

/** A one-environment baseline file with `settings` as written (YAML, indented under `settings:`). */
function parse(settings: string) {
  return parseBaseline([
    {
      name: 'baseline.yaml',
      text: `environments:\n  prod-us:\n    tier: production\n    sources:\n      ssm: [/prod-us/api/]\nsettings:\n${settings}`,
    },
  ]);
}

function parsed(settings: string): Baseline {
  const result = parse(settings);
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return result.baseline;
}

describe('Function: analyse (a declared setting decides its own secrecy)', () => {
  it('compares and shows a secret-looking key declared secret: false (TOKEN_TTL 3600, live 999)', () => {
    // Prepare
    const base = baseline({ environments: [prodUs], settings: [setting('TOKEN_TTL', { value: '3600', secret: false })] });

    // Act
    const findings = analyse({ baseline: base, snapshots: [snapshot('prod-us', [envVar('TOKEN_TTL', '999')])], now: NOW }).findings;

    // Assess
    expect(findings.map((f) => f.id)).toEqual(['changed:prod-us:TOKEN_TTL']);
    expect(findings[0]?.expected).toEqual({ text: '3600', secret: false });
    expect(findings[0]?.actual).toEqual({ text: '999', secret: false });
  });

  it('explains a secret-looking key declared secret: false with its values', () => {
    // Prepare
    const base = baseline({ environments: [prodUs], settings: [setting('TOKEN_TTL', { value: '3600', secret: false })] });

    // Act
    const explanation = explain({
      baseline: base,
      snapshots: [snapshot('prod-us', [envVar('TOKEN_TTL', '999')])],
      now: NOW,
      environment: 'prod-us',
      key: 'TOKEN_TTL',
    });

    // Assess
    expect(explanation.setting.secret).toBe(false);
    expect(explanation.effective).toEqual({ text: '999', secret: false });
    expect(explanation.expected).toEqual({ text: '3600', secret: false });
  });

  it('still redacts an undeclared key whose name looks secret', () => {
    // Act
    const findings = analyse({
      baseline: baseline({ environments: [prodUs] }),
      snapshots: [snapshot('prod-us', [envVar('TOKEN_TTL', '999')])],
      now: NOW,
    }).findings;

    // Assess
    expect(findings.map((f) => [f.id, f.actual])).toEqual([['unmanaged:prod-us:TOKEN_TTL', { text: '[secret]', secret: true }]]);
  });
});

describe('Function: parseBaseline (secret by name unless the setting says otherwise)', () => {
  it('keeps a secret-looking key without an explicit secret secret, and warns that its value is never compared', () => {
    // Act
    const result = parse('  TOKEN_TTL: 3600\n');

    // Assess
    expect(result.ok).toBe(true);
    expect(result.ok && result.baseline.settings.get('TOKEN_TTL')?.secret).toBe(true);
    expect(result.warnings.map((w) => [w.code, w.path, w.line])).toEqual([['implicit-secret', 'settings.TOKEN_TTL', 7]]);
    expect(result.warnings[0]?.message).not.toContain('3600');
  });

  it('gives no finding for the implicit secret: the safe default never compares the value', () => {
    // Prepare
    const base = parsed('  TOKEN_TTL: 3600\n');

    // Act
    const findings = analyse({ baseline: base, snapshots: [snapshot('prod-us', [envVar('TOKEN_TTL', '999')])], now: NOW }).findings;

    // Assess
    expect(findings).toEqual([]);
  });

  it('accepts secret: false on a secret-looking key without a warning, and the audit compares it', () => {
    // Act
    const result = parse('  TOKEN_TTL:\n    value: 3600\n    secret: false\n');
    const base = parsed('  TOKEN_TTL:\n    value: 3600\n    secret: false\n');
    const findings = analyse({ baseline: base, snapshots: [snapshot('prod-us', [envVar('TOKEN_TTL', '999')])], now: NOW }).findings;

    // Assess
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(base.settings.get('TOKEN_TTL')?.secret).toBe(false);
    expect(findings.map((f) => [f.id, f.expected?.text, f.actual?.text])).toEqual([['changed:prod-us:TOKEN_TTL', '3600', '999']]);
  });

  it('neither warns about a presence-only secret-looking key nor makes an ordinary key secret', () => {
    // Act
    const result = parse('  DB_PASSWORD:\n    required: true\n  LOG_LEVEL: info\n');

    // Assess
    expect(result.warnings).toEqual([]);
    expect(result.ok && result.baseline.settings.get('DB_PASSWORD')?.secret).toBe(true);
    expect(result.ok && result.baseline.settings.get('LOG_LEVEL')?.secret).toBe(false);
  });
});

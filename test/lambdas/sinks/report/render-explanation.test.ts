import { describe, expect, it } from 'vitest';
import { EXPLANATION_SCHEMA_ID, renderExplanationJson, renderExplanationTerminal } from '../../../../lambdas/sinks/report/index.js';
import type { Explanation } from '../../../../lambdas/engine/analyse/explain.js';
import { poolSizeExplanation } from './explanation-fixture.js';
import { expectGolden } from './golden.js';

function secretExplanation(): Explanation {
  return {
    environment: 'production-us',
    tier: 'production',
    key: 'DB_PASSWORD',
    setting: { declared: false, secret: true, required: false, parity: 'none', constraints: {} },
    expectedFrom: 'undeclared',
    precedence: ['secret', 'env'],
    observations: [
      {
        layer: 'secret',
        value: { text: 'hunter2-CANARY', secret: true },
        provenance: { source: 'kubernetes', layer: 'secret', location: 'secret/db key password' },
        effective: true,
      },
    ],
    effective: { text: 'hunter2-CANARY', secret: true },
    exceptions: [{ owner: 'sec', reason: 'rotation', expires: '2027-01-01', active: true, value: { text: 'hunter2-CANARY', secret: true } }],
    complete: true,
    failedSources: [],
    findings: [],
    pods: [],
  };
}

/** The same key where the Parameter Store tree could not be read. */
function incompleteExplanation(): Explanation {
  const base = poolSizeExplanation();
  return {
    ...base,
    observations: base.observations.filter((o) => o.layer !== 'ssm').map((o) => (o.layer === 'configmap' ? { ...o, effective: true } : o)),
    effective: { text: '15', secret: false },
    complete: false,
    failedSources: [
      {
        id: 'ssm:us-east-1:/production-us/api/',
        kind: 'ssm',
        layers: ['ssm'],
        status: 'error',
        itemCount: 0,
        error: { code: 'AccessDenied', message: 'cannot list SSM parameters under /production-us/api/ in us-east-1: AccessDenied' },
      },
    ],
    findings: [],
    pods: [],
  };
}

describe('Function: renderExplanationTerminal', () => {
  it('renders the four-source sprawl as in the golden file', () => {
    // Act
    const text = renderExplanationTerminal(poolSizeExplanation(), { color: false });

    // Assess
    expectGolden('explanation.txt', text);
  });

  it('lists every layer highest precedence first, marking the effective one and the layers not set', () => {
    // Act
    const lines = renderExplanationTerminal(poolSizeExplanation(), { color: false }).split('\n');

    // Assess
    const layerLines = lines.filter((l) => /^ {2}[▶ ] (ssm|secret|configmap|env|file) /.test(l));
    expect(layerLines.map((l) => l.trim().replace(/^▶ /, '').split(/\s+/)[0])).toEqual(['ssm', 'secret', 'configmap', 'env', 'file']);
    expect(layerLines[0]).toMatch(/▶ ssm\s+25 {2}← effective/);
    expect(layerLines[1]).toMatch(/secret\s+not set/);
    expect(lines).toContain('  expected   20  the shared value');
    expect(lines).toContain('  effective  25  from ssm');
  });

  it('says who changed each value and flags changes made outside the pipeline', () => {
    // Act
    const text = renderExplanationTerminal(poolSizeExplanation(), { color: false, width: 200 });

    // Assess
    expect(text).toContain(
      'from kubernetes deployment/api-server container app [env], changed by kubectl-set on 2026-07-01T09:30:00Z — outside the pipeline (cluster prod-us)',
    );
  });

  it('prints [secret] for secret values and says when nothing is declared', () => {
    // Act
    const text = renderExplanationTerminal(secretExplanation(), { color: false });

    // Assess
    expect(text).not.toContain('hunter2-CANARY');
    expect(text).toContain('effective  [secret]  from secret');
    expect(text).toContain('expected   (none)  not declared in the baseline');
    expect(text).toContain('No finding for DB_PASSWORD in production-us.');
  });

  it('says what the baseline declares about the key, and lists its exceptions', () => {
    // Act
    const text = renderExplanationTerminal(poolSizeExplanation(), { color: false, width: 200 });

    // Assess
    expect(text).toContain(
      '  baseline   declared at settings.yaml:12:3 · severity medium · required · parity across all environments · constraints: type integer, 1..100',
    );
    expect(text).toContain('    expired: 25 until 2026-07-31, owned by sre-team: pool raised during the 2026-06 incident');
    expect(text).toContain('  Precedence, highest first: ssm > secret > configmap > env > file');
  });

  it('for an incomplete environment, names the failed source and calls the layers it feeds unknown, not unset', () => {
    // Act
    const text = renderExplanationTerminal(incompleteExplanation(), { color: false, width: 200 });

    // Assess
    expect(text).toContain('Incomplete: not every source of production-us could be read');
    expect(text).toContain('! ssm:us-east-1:/production-us/api/ — AccessDenied: ');
    expect(text).toMatch(/^ {4}ssm\s+unknown: its source could not be read$/m);
    expect(text).toMatch(/^ {4}secret\s+not set$/m);
    expect(text).toContain('No finding for DATABASE_POOL_SIZE in production-us in the sources that were read.');
    expect(text).not.toMatch(/no drift/i);
  });

  it('lists the running pods, flagging the one that started before its ConfigMap key changed', () => {
    // Act
    const text = renderExplanationTerminal(poolSizeExplanation(), { color: false });

    // Assess: env is read at container start, so only the pod started after the change has the current value.
    expect(text).toContain('Running pods (2)  1 need a restart to see the current value');
    expect(text).toContain('    ! api/api-server-7c9d2b-4kq8p (deployment/api-server) started 2026-06-01T09:00:00.000Z');
    expect(text).toContain('      api/api-server-7c9d2b-x2m9z (deployment/api-server) started 2026-06-11T10:00:00.000Z');
    expect(text).toContain('configmap api-config key DATABASE_POOL_SIZE (changed 2026-06-10T08:30:00.000Z)');
  });

  it('emits ANSI colour codes only when color is true', () => {
    // Act
    const plain = renderExplanationTerminal(poolSizeExplanation(), { color: false });
    const coloured = renderExplanationTerminal(poolSizeExplanation(), { color: true });

    // Assess
    expect(plain).not.toContain('\u001b');
    expect(coloured).toContain('\u001b[');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });
});

describe('Function: renderExplanationJson', () => {
  it('renders the four-source sprawl as in the golden file', () => {
    // Act
    const text = renderExplanationJson(poolSizeExplanation());

    // Assess
    expectGolden('explanation.json', text);
  });

  it('is versioned and lists observations highest precedence first', () => {
    // Act
    const json = JSON.parse(renderExplanationJson(poolSizeExplanation())) as {
      schema: string;
      observations: { layer: string; effective: boolean }[];
    };

    // Assess
    expect(json.schema).toBe(EXPLANATION_SCHEMA_ID);
    expect(json.observations.map((o) => o.layer)).toEqual(['ssm', 'configmap', 'env', 'file']);
    expect(json.observations[0]?.effective).toBe(true);
  });

  it('writes [secret] for secret values whatever their text, exceptions included', () => {
    // Act
    const text = renderExplanationJson(secretExplanation());

    // Assess
    expect(text).not.toContain('hunter2-CANARY');
    expect(JSON.parse(text)).toMatchObject({
      effective: { text: '[secret]', secret: true },
      exceptions: [{ value: { text: '[secret]', secret: true } }],
    });
  });

  it('keeps completeness and the failed sources', () => {
    // Act
    const json = JSON.parse(renderExplanationJson(incompleteExplanation())) as {
      complete: boolean;
      failedSources: { id: string }[];
    };

    // Assess
    expect(json.complete).toBe(false);
    expect(json.failedSources.map((s) => s.id)).toEqual(['ssm:us-east-1:/production-us/api/']);
  });
});

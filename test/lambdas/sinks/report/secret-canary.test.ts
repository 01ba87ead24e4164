import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_STATE_SCHEMA, type LiveState } from '../../../../lambdas/collect/live-state.js';
import { redactLiveState } from '../../../../lambdas/collect/redact-live-state.js';
import { writeSnapshotDir } from '../../../../lambdas/collect/write-snapshot-dir.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { KubeObject } from '../../../../lambdas/sources/eks/kube-client.js';
import { secretSamples } from '../../engine/secrets/secret-samples.js';
import { runCli } from '../../../support/run-cli.js';
import type { Finding, ShownValue } from '../../../../lambdas/engine/model.js';
import {
  renderExplanationJson,
  renderExplanationTerminal,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderTerminal,
} from '../../../../lambdas/sinks/report/index.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';
import { poolSizeExplanation } from './explanation-fixture.js';
import { FINDINGS, partialRun } from './report-fixture.js';

/** Every report format and the explain formats, coloured and not. */
function renderAll(input: ReportInput, secret: ShownValue): string[] {
  const explanation = poolSizeExplanation();
  const leakyExplanation = {
    ...explanation,
    effective: secret,
    expected: secret,
    observations: explanation.observations.map((o) => (o.effective ? { ...o, value: secret } : o)),
    exceptions: explanation.exceptions.map((x) => ({ ...x, value: secret })),
  };
  return [
    renderTerminal(input, { color: false, verbose: true }),
    renderTerminal(input, { color: true }),
    renderJson(input),
    renderMarkdown(input),
    renderHtml(input),
    renderExplanationTerminal(leakyExplanation, { color: true }),
    renderExplanationJson(leakyExplanation),
  ];
}

describe('Property: a secret value never reaches any output', () => {
  it('holds for any text a secret ShownValue carries, in any field that holds a value', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/=_-]{6,40}$/), fc.nat(FINDINGS.length - 1), (raw, at) => {
        // Prepare: a canary that cannot occur in the fixture by chance.
        const canary = `CANARY${raw}`;
        const secret: ShownValue = { text: canary, secret: true };
        const base = partialRun({ transitions: true });
        const findings = base.result.findings.map(
          (f, i): Finding => (i === at ? { ...f, expected: secret, actual: secret, comparedWith: { [f.environment]: secret } } : f),
        );
        const transitions = (base.transitions ?? []).map((t) => ({
          ...t,
          finding: { ...t.finding, actual: secret },
          previous: { severity: t.finding.severity, actual: secret, expected: secret },
        }));
        const input: ReportInput = { ...base, result: { ...base.result, findings }, transitions };

        // Act
        const outputs = renderAll(input, secret);

        // Assess
        for (const output of outputs) expect(output).not.toContain(canary);
      }),
      { numRuns: 50, seed: 20261123 },
    );
  });
});

/*
 * Secrets kept under harmless names, so only the value's shape gives them away: one fresh canary per
 * detected format in each of two environments (different in each, so parity reports them), read
 * offline from dotenv snapshots, and driven through every way a value can leave drift-audit.
 */
describe('Canary: a secret detected by its value never reaches any output', () => {
  const eu = secretSamples(90210);
  const us = secretSamples(10115);
  // Neutral names (`SETTING_07`), so nothing but the value's shape can make them secret.
  const formats = Object.keys(eu);
  const keyOf = (format: string): string => `SETTING_${String(formats.indexOf(format)).padStart(2, '0')}`;
  /** The random part of each value (its longest run of letters and digits): what must never be printed. */
  const canaries = [...Object.values(eu), ...Object.values(us)]
    .map((value) => [...value.matchAll(/[A-Za-z0-9]{12,}/g)].map((m) => m[0]).sort((a, b) => b.length - a.length)[0])
    .filter((canary): canary is string => canary !== undefined);
  const declared = Object.keys(eu).slice(0, 10);
  let dir: string;
  const dotenv = (values: Record<string, string>): string =>
    `${Object.entries(values)
      .map(([format, value]) => `${keyOf(format)}=${JSON.stringify(value)}`)
      .join('\n')}\nLOG_LEVEL=warn\n`;
  const expectNoCanary = (label: string, text: string): void => {
    for (const canary of canaries) expect({ label, leaked: text.includes(canary) ? canary : undefined }).toEqual({ label, leaked: undefined });
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-canary-'));
    mkdirSync(path.join(dir, 'config'));
    writeFileSync(
      path.join(dir, 'config', 'baseline.yaml'),
      [
        'environments:',
        '  prod-eu: { tier: production, region: eu-west-1, sources: { ssm: [{ path: /prod-eu/api/, key_style: env }] } }',
        '  prod-us: { tier: production, region: us-east-1, sources: { ssm: [{ path: /prod-us/api/, key_style: env }] } }',
        // Undeclared canaries are reported one by one (unmanaged), so each has its own chance to leak.
        'defaults: { unmanaged: report }',
        'settings:',
        '  LOG_LEVEL: { value: warn }',
        ...declared.map((format) => `  ${keyOf(format)}: { parity: tier }`),
        '',
      ].join('\n'),
    );
    for (const [env, values] of [
      ['prod-eu', eu],
      ['prod-us', us],
    ] as const) {
      mkdirSync(path.join(dir, 'snapshots', env), { recursive: true });
      writeFileSync(path.join(dir, 'snapshots', env, 'app.env'), dotenv(values));
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCli([...args, path.join(dir, 'config'), '--snapshots', path.join(dir, 'snapshots'), '--now', '2026-11-23T12:00:00Z']);

  it('in the terminal, JSON, Markdown and HTML reports', async () => {
    // Act
    const outputs = await Promise.all([cli('scan', '--verbose'), cli('scan', '--json'), cli('scan', '--markdown'), cli('scan', '--html')]);

    // Assess: every canary key was reported (so its value had a chance to leak), and none leaked.
    const json = JSON.parse(outputs[1]?.stdout ?? '{}') as { findings: { key: string; type: string }[] };
    for (const format of Object.keys(eu)) expect(json.findings.map((f) => f.key)).toContain(keyOf(format));
    expect(json.findings.filter((f) => f.type === 'parity').length).toBe(declared.length);
    outputs.forEach((output, i) => {
      expectNoCanary(`scan output ${i}`, output.stdout + output.stderr);
    });
  });

  it('in explain, on the terminal and in JSON, for every key', async () => {
    for (const format of Object.keys(eu)) {
      const [terminal, json] = await Promise.all([
        cli('explain', keyOf(format), '--env', 'prod-us'),
        cli('explain', keyOf(format), '--env', 'prod-us', '--json'),
      ]);
      expect(JSON.parse(json?.stdout ?? '{}')).toMatchObject({ setting: { secret: true } });
      expectNoCanary(`explain ${format}`, `${terminal?.stdout}${terminal?.stderr}${json?.stdout}${json?.stderr}`);
    }
  });

  it('in the baseline after accepting every finding, and in what accept prints', async () => {
    // Prepare
    const scan = await cli('scan', '--json');
    const ids = (JSON.parse(scan.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);

    // Act
    const accepted = [];
    for (const id of ids) accepted.push(await cli('baseline', 'accept', id));

    // Assess
    const text = readFileSync(path.join(dir, 'config', 'baseline.yaml'), 'utf8');
    expectNoCanary('baseline after accept', text);
    accepted.forEach((run, i) => {
      expectNoCanary(`accept ${ids[i]}`, run.stdout + run.stderr);
    });
    // Declared where the key lives: under the application that reads it.
    expect(text).toMatch(new RegExp(`${keyOf('jwt')}:\\n\\s+secret: true`));
    const first = keyOf(declared[0] as string);
    // Two environments disagree with no majority: the finding is on the group.
    const refused = accepted[ids.findIndex((id) => id.startsWith('parity:') && id.endsWith(`:${first}`))];
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain(`to audit ${first} by presence only, declare settings.${first}.secret: true`);
    expect(parseBaseline([{ name: 'baseline.yaml', text }]).ok).toBe(true);
  });

  it('in snapshot files and the live state stored between runs', async () => {
    // Prepare: the same values as the live read would hold them, in SSM String parameters and Kubernetes literals.
    const parsed = parseBaseline([{ name: 'baseline.yaml', text: readFileSync(path.join(dir, 'config', 'baseline.yaml'), 'utf8') }]);
    if (!parsed.ok) throw new Error('baseline invalid');
    const records = (env: string, values: Record<string, string>) =>
      Object.entries(values).map(([format, value], i) => ({
        name: `/${env}/api/${keyOf(format).toLowerCase()}`,
        type: 'String' as const,
        value,
        version: i + 1,
      }));
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'api' },
      spec: {
        template: {
          spec: { containers: [{ name: 'app', image: 'api:1', env: Object.entries(eu).map(([format, value]) => ({ name: keyOf(format), value })) }] },
        },
      },
    } as unknown as KubeObject;
    const state: LiveState = {
      schema: LIVE_STATE_SCHEMA,
      takenAt: '2026-11-23T10:00:00.000Z',
      ssm: { 'ssm:eu-west-1:/prod-eu/api/': records('prod-eu', eu), 'ssm:us-east-1:/prod-us/api/': records('prod-us', us) },
      kubernetes: { 'eks:prod-eu/api': [deployment] },
    };
    const out = path.join(dir, 'written');
    const snapshots = ['prod-eu', 'prod-us'].map((environment) => ({
      environment,
      observations: [],
      images: [],
      sources: [
        {
          id: environment === 'prod-eu' ? 'ssm:eu-west-1:/prod-eu/api/' : 'ssm:us-east-1:/prod-us/api/',
          kind: 'ssm' as const,
          layers: ['ssm' as const],
          status: 'ok' as const,
          itemCount: 1,
        },
      ],
    }));

    // Act
    await writeSnapshotDir(out, parsed.baseline, { snapshots, state });
    const stored = JSON.stringify(redactLiveState(state, parsed.baseline));

    // Assess
    expect(JSON.stringify(state)).toContain(canaries[0]);
    for (const env of readdirSync(out)) {
      for (const file of readdirSync(path.join(out, env))) expectNoCanary(`${env}/${file}`, readFileSync(path.join(out, env, file), 'utf8'));
    }
    expectNoCanary('persisted live state', stored);
  });
});

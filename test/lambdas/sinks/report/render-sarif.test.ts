import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import fc from 'fast-check';
import type { Log, Result } from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaselineDir } from '../../../../lambdas/baseline/load-baseline-dir.js';
import type { Finding, ShownValue } from '../../../../lambdas/engine/model.js';
import { FINDING_TYPES } from '../../../../lambdas/engine/model.js';
import { renderSarif, SARIF_FINGERPRINT_KEY, SARIF_MAX_RESULTS, type SarifInput } from '../../../../lambdas/sinks/report/render-sarif.js';
import { runCli } from '../../../support/run-cli.js';
import { sampleFinding } from '../../../support/sample-findings.js';

const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const SCHEMA = JSON.parse(readFileSync(join(REPO, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')) as object;
// `unicodeRegExp: false`: the schema's `language` pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`) has a
// stray `]` that is a syntax error under the `u` flag Ajv uses by default, and plain text without it.
// Both are CommonJS modules whose `default` export is the real one (nodenext sees the module object).
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;
const validate = addFormats(new Ajv({ allErrors: true, strict: false, unicodeRegExp: false })).compile(SCHEMA);

/** A copy of the demo baseline in a fresh repository, at `ops/drift/`, so URIs are checked from the root. */
let repo: string;
let baselineDir: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'drift-audit-sarif-'));
  mkdirSync(join(repo, '.git'));
  baselineDir = join(repo, 'ops', 'drift');
  cpSync(join(REPO, 'config'), baselineDir, { recursive: true });
});

afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
});

async function scanSarif(): Promise<Log> {
  const run = await runCli(['scan', 'ops/drift', '--snapshots', 'ops/drift/snapshots', '--format', 'sarif'], { cwd: repo });
  expect(run.code, run.stderr).toBe(1);
  return JSON.parse(run.stdout) as Log;
}

function resultsOf(log: Log): Result[] {
  return log.runs[0]?.results ?? [];
}

function byFindingId(log: Log, id: string): Result {
  const found = resultsOf(log).find((result) => result.partialFingerprints?.[SARIF_FINGERPRINT_KEY] === id);
  if (found === undefined) throw new Error(`no result for ${id}`);
  return found;
}

function whereIs(result: Result): { uri: string | undefined; line: number | undefined } {
  const physical = result.locations?.[0]?.physicalLocation;
  return { uri: physical?.artifactLocation?.uri, line: physical?.region?.startLine };
}

/** The 1-based line of the first line of `file` that equals `text` once trimmed. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(join(baselineDir, file), 'utf8')
    .split('\n')
    .findIndex((line) => line.trim() === text);
  expect(index, `${file} has a line "${text}"`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function sarifInput(findings: readonly Finding[]): SarifInput {
  const loaded = loadBaselineDir(baselineDir);
  if (!loaded.ok) throw new Error('the demo baseline is invalid');
  const counts = Object.fromEntries(FINDING_TYPES.map((type) => [type, findings.filter((f) => f.type === type).length])) as SarifInput['result']['counts'];
  return {
    result: { findings, completeEnvironments: ['production-us'], partialEnvironments: [], status: 'ok', counts },
    generatedAt: '2026-11-23T12:00:00.000Z',
    environments: [{ name: 'production-us', tier: 'production' }],
    sources: [],
    baseline: loaded.baseline,
    files: loaded.files,
    baselineDirFromRoot: 'ops/drift',
  };
}

describe('Function: renderSarif', () => {
  it('emits a log that validates against the SARIF 2.1.0 JSON schema', async () => {
    // Act
    const log = await scanSarif();

    // Assess
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
    // The schema bites: a result without its required message is refused.
    const [run] = log.runs;
    expect(validate({ ...log, runs: [{ ...run, results: [{ ruleId: 'changed' }] }] })).toBe(false);
    expect(resultsOf(log).length).toBeGreaterThan(0);
  });

  it('has one rule per finding type with help text, and every result names its rule', async () => {
    // Act
    const log = await scanSarif();
    const rules = log.runs[0]?.tool.driver.rules ?? [];

    // Assess
    expect(log.runs[0]?.tool.driver.name).toBe('drift-audit');
    expect(rules.map((rule) => rule.id)).toEqual([...FINDING_TYPES]);
    for (const rule of rules) {
      expect(rule.shortDescription?.text).toBeTruthy();
      expect(rule.help?.text).toBeTruthy();
    }
    for (const result of resultsOf(log)) expect(rules[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
  });

  it('locates a finding at the line of the environment expected value, relative to the repository root', async () => {
    // Act
    const log = await scanSarif();

    // Assess: INVENTORY_SERVICE_URL declares its production value per tier.
    expect(whereIs(byFindingId(log, 'missing:production-us:api:INVENTORY_SERVICE_URL'))).toEqual({
      uri: 'ops/drift/settings.yaml',
      line: lineOf('settings.yaml', 'production: https://inventory.internal'),
    });
  });

  it('locates an expected value that comes from a values file at its line there, through ..', () => {
    // Prepare: a Helm values file beside the baseline directory feeds production's replicas.
    const root = mkdtempSync(join(tmpdir(), 'drift-audit-sarif-values-'));
    try {
      mkdirSync(join(root, '.git'));
      mkdirSync(join(root, 'config'));
      mkdirSync(join(root, 'helm'));
      writeFileSync(join(root, 'helm', 'values-production.yaml'), '# launch sizing\nimage: api\nreplicaCount: 10\n');
      writeFileSync(
        join(root, 'config', 'environments.yaml'),
        'environments:\n  production:\n    tier: production\n    values: [{ path: ../helm/values-production.yaml, format: helm, keys: { "k8s:replicas": replicaCount } }]\n',
      );
      const loaded = loadBaselineDir(join(root, 'config'));
      if (!loaded.ok) throw new Error('the values-file baseline is invalid');
      const finding = sampleFinding({ id: 'changed:production:k8s:replicas', environment: 'production', tier: 'production', key: 'k8s:replicas' });

      // Act
      const log = JSON.parse(renderSarif({ ...sarifInput([finding]), baseline: loaded.baseline, files: loaded.files, baselineDirFromRoot: 'config' })) as Log;

      // Assess
      expect(whereIs(resultsOf(log)[0] as Result)).toEqual({ uri: 'helm/values-production.yaml', line: 3 });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('locates a setting without an environment value at its declaration, and an expired exception at the exception', async () => {
    // Act
    const log = await scanSarif();

    // Assess
    expect(whereIs(byFindingId(log, 'changed:production-us:api:DB_TIMEOUT'))).toEqual({
      uri: 'ops/drift/settings.yaml',
      line: lineOf('settings.yaml', 'DB_TIMEOUT:'),
    });
    expect(whereIs(byFindingId(log, 'exception-expired:production-us:api:LOG_LEVEL'))).toEqual({
      uri: 'ops/drift/exceptions.yaml',
      line: lineOf('exceptions.yaml', '- key: LOG_LEVEL'),
    });
  });

  it('locates a key nobody declared at the environment it was found in', async () => {
    // Act
    const log = await scanSarif();

    // Assess
    expect(whereIs(byFindingId(log, 'unmanaged:production-eu:api:ENABLE_NEW_CHECKOUT'))).toEqual({
      uri: 'ops/drift/environments.yaml',
      line: lineOf('environments.yaml', 'production-eu:'),
    });
  });

  it('maps severity to level: critical and high are errors, medium warnings, low and info notes', () => {
    // Prepare
    const findings = (['critical', 'high', 'medium', 'low', 'info'] as const).map((severity) =>
      sampleFinding({ id: `changed:production-us:${severity}`, severity }),
    );

    // Act
    const log = JSON.parse(renderSarif(sarifInput(findings))) as Log;

    // Assess
    expect(resultsOf(log).map((result) => result.level)).toEqual(['error', 'error', 'warning', 'note', 'note']);
  });

  it('keeps each alert fingerprint when the baseline lines move', async () => {
    // Prepare
    const before = await scanSarif();
    const settings = join(baselineDir, 'settings.yaml');
    const original = readFileSync(settings, 'utf8');
    writeFileSync(settings, `# a comment that moves every line down\n\n${original}`);

    // Act
    const after = await scanSarif().finally(() => writeFileSync(settings, original));

    // Assess
    const fingerprints = (log: Log) => resultsOf(log).map((result) => result.partialFingerprints?.[SARIF_FINGERPRINT_KEY]);
    expect(fingerprints(after)).toEqual(fingerprints(before));
    const moved = (log: Log) => whereIs(byFindingId(log, 'changed:production-us:api:DB_TIMEOUT')).line ?? 0;
    expect(moved(after)).toBe(moved(before) + 2);
  });

  it('never writes a secret value, whatever text the secret carries', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/=_-]{6,40}$/), (raw) => {
        // Prepare
        const canary = `CANARY${raw}`;
        const secret: ShownValue = { text: canary, secret: true };
        const finding = sampleFinding({ expected: secret, actual: secret, comparedWith: { 'production-us': secret } });

        // Act
        const text = renderSarif(sarifInput([finding]));

        // Assess
        expect(text).not.toContain(canary);
        expect(text).toContain('[secret]');
      }),
      { numRuns: 25 },
    );
  });

  it('stays within the code scanning limit of results per run, keeping the most severe', () => {
    // Prepare
    const findings = Array.from({ length: SARIF_MAX_RESULTS + 3 }, (_, i) =>
      sampleFinding({ id: `changed:production-us:K${i}`, key: `K${i}`, severity: i < 3 ? 'low' : 'high' }),
    );

    // Act
    const log = JSON.parse(renderSarif(sarifInput(findings))) as Log;

    // Assess
    expect(resultsOf(log)).toHaveLength(SARIF_MAX_RESULTS);
    expect(resultsOf(log).every((result) => result.level === 'error')).toBe(true);
    expect(log.runs[0]?.invocations?.[0]?.toolExecutionNotifications?.[0]?.message.text).toContain('3 least severe findings left out');
  });
});

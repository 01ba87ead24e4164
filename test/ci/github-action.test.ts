// The composite action (action.yml) read as GitHub reads it, and its shell steps run here as a runner
// would run them: `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`), `${{ }}` expressions
// filled from the inputs, step outputs written to $GITHUB_OUTPUT, `if:` conditions evaluated. `uses:`
// steps (setup-node, upload-sarif) are not run here; the test checks what they would be given.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface ActionStep {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly with?: Record<string, string>;
  readonly shell?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}

interface Action {
  readonly name: string;
  readonly description: string;
  readonly inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  readonly outputs: Record<string, { value: string }>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as Action;

/** One step as the runner saw it. */
interface StepRun {
  readonly name: string;
  readonly skipped: boolean;
  readonly uses?: string;
  readonly with?: Record<string, string>;
  readonly status?: number | null;
  readonly stdout?: string;
}

/** Runs the action's steps in `workspace` with `given` inputs (defaults for the rest). */
function runAction(workspace: string, given: Record<string, string>): StepRun[] {
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, given[name] ?? input.default ?? '']));
  const temp = mkdtempSync(join(workspace, '.runner-temp-'));
  const outputs: Record<string, Record<string, string>> = {};
  const context = (path: string): string => {
    const [scope, ...rest] = path.split('.');
    if (scope === 'inputs') return inputs[rest.join('.')] ?? fail(`unknown input ${path}`);
    if (scope === 'runner' && rest[0] === 'temp') return temp;
    if (scope === 'steps' && rest[1] === 'outputs') return outputs[rest[0] ?? '']?.[rest[2] ?? ''] ?? '';
    return fail(`the test runner does not know the expression ${path}`);
  };
  const fill = (text: string) => text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, path: string) => context(path));
  const condition = (expression: string) =>
    expression.split('&&').every((term) => {
      const match = /^\s*([\w.-]+)\s*==\s*'([^']*)'\s*$/.exec(term);
      if (match === null) return fail(`the test runner cannot evaluate "${term}"`);
      return context(match[1] as string) === match[2];
    });

  const runs: StepRun[] = [];
  for (const [index, step] of action.runs.steps.entries()) {
    const name = step.name ?? `step ${index}`;
    if (step.if !== undefined && !condition(step.if)) {
      runs.push({ name, skipped: true });
      continue;
    }
    if (step.uses !== undefined) {
      runs.push({ name, skipped: false, uses: step.uses, with: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, fill(v)])) });
      continue;
    }
    const script = join(temp, `step-${index}.sh`);
    const outputFile = join(temp, `output-${index}`);
    writeFileSync(script, step.run ?? '');
    writeFileSync(outputFile, '');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, fill(v)]));
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      encoding: 'utf8',
      env: { ...process.env, ...env, GITHUB_OUTPUT: outputFile, NO_COLOR: '1', npm_config_update_notifier: 'false' },
      timeout: 180_000,
    });
    if (step.id !== undefined) {
      outputs[step.id] = Object.fromEntries(
        readFileSync(outputFile, 'utf8')
          .split('\n')
          .filter((line) => line.includes('='))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
    }
    runs.push({ name, skipped: false, status: result.status, stdout: `${result.stdout}${result.stderr}` });
    if (result.status !== 0) break;
  }
  return runs;
}

function fail(message: string): never {
  throw new Error(message);
}

function step(runs: readonly StepRun[], name: string): StepRun {
  return runs.find((run) => run.name === name) ?? fail(`no step "${name}" ran`);
}

describe('GitHub Action: action.yml', () => {
  let workspace: string | undefined;
  afterEach(() => {
    if (workspace !== undefined) rmSync(workspace, { recursive: true, force: true });
    workspace = undefined;
  });

  /** A checkout of a config repository: the demo baseline and its snapshots at `config/`. */
  function checkout(): string {
    workspace = mkdtempSync(join(tmpdir(), 'drift-audit-action-'));
    mkdirSync(join(workspace, '.git'));
    cpSync(join(REPO, 'config'), join(workspace, 'config'), { recursive: true });
    return workspace;
  }

  it('is a composite action whose every run step names its shell, with the inputs a workflow sets', () => {
    // Assess
    expect(action.runs.using).toBe('composite');
    for (const s of action.runs.steps.filter((candidate) => candidate.run !== undefined)) expect(s.shell, s.name).toBe('bash');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['baseline-dir', 'snapshots', 'live', 'format', 'output', 'fail-on']));
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy();
    expect(action.runs.steps.map((s) => s.uses).filter((uses) => uses !== undefined)).toEqual([
      'actions/setup-node@v4',
      'github/codeql-action/upload-sarif@v4',
    ]);
  });

  it('installs the CLI, writes SARIF from the snapshots, hands it to upload-sarif, then fails the job on drift', () => {
    // Prepare
    const dir = checkout();

    // Act
    const runs = runAction(dir, { 'baseline-dir': 'config', snapshots: 'config/snapshots', package: REPO });

    // Assess
    expect(step(runs, 'Install drift-audit').status, step(runs, 'Install drift-audit').stdout).toBe(0);
    expect(step(runs, 'Audit').status, step(runs, 'Audit').stdout).toBe(0);
    const sarif = JSON.parse(readFileSync(join(dir, 'drift-audit.sarif'), 'utf8')) as { version: string; runs: { results: { locations: unknown[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.results.length).toBeGreaterThan(0);
    expect(JSON.stringify(sarif.runs[0]?.results[0]?.locations)).toContain('"uri":"config/');
    expect(step(runs, 'Upload SARIF to code scanning')).toMatchObject({
      skipped: false,
      uses: 'github/codeql-action/upload-sarif@v4',
      with: { sarif_file: 'drift-audit.sarif', category: 'drift-audit' },
    });
    const verdict = step(runs, 'Verdict');
    expect(verdict.status).toBe(1);
    expect(verdict.stdout).toContain('::error::drift-audit: drift at or above high');
  });

  it('writes another format without uploading it, and reads snapshots from <baseline-dir>/snapshots by default', () => {
    // Prepare
    const dir = checkout();

    // Act
    const runs = runAction(dir, { format: 'markdown', output: 'drift.md', package: REPO, 'fail-on': 'critical' });

    // Assess
    expect(existsSync(join(dir, 'drift.md'))).toBe(true);
    expect(readFileSync(join(dir, 'drift.md'), 'utf8')).toContain('drift');
    expect(step(runs, 'Upload SARIF to code scanning').skipped).toBe(true);
    expect(step(runs, 'Verdict').status).toBe(1);
  });
});

// The pre-commit hook (.pre-commit-hooks.yaml) run the way pre-commit runs it: `entry` split into words,
// the hook's `args` appended, no file names (`pass_filenames: false`), `drift-audit` found on PATH as
// pre-commit's `npm install -g` of the package puts it there.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface Hook {
  readonly id: string;
  readonly name: string;
  readonly entry: string;
  readonly language: string;
  readonly files: string;
  readonly pass_filenames: boolean;
}

const hooks = parse(readFileSync(join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((candidate) => candidate.id === 'drift-audit-validate');

let work: string;
let bin: string;

beforeAll(() => {
  // The same build `npm install` runs (prepare): the bin a global install links.
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: REPO, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  work = mkdtempSync(join(tmpdir(), 'drift-audit-pre-commit-'));
  bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(join(REPO, 'dist', 'drift-audit.mjs'), join(bin, 'drift-audit'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function runHook(cwd: string, args: readonly string[]) {
  const [command, ...entryArgs] = (hook?.entry ?? '').split(/\s+/);
  return spawnSync(command as string, [...entryArgs, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' },
  });
}

function repositoryWithDemoBaseline(name: string): string {
  const repo = join(work, name);
  cpSync(join(REPO, 'config'), join(repo, 'config'), { recursive: true });
  return repo;
}

describe('pre-commit hook: drift-audit-validate', () => {
  it('is a node hook running `drift-audit baseline validate` once per commit on baseline-shaped files', () => {
    // Assess
    expect(hook).toMatchObject({ language: 'node', entry: 'drift-audit baseline validate', pass_filenames: false });
    const files = new RegExp(hook?.files ?? '$^');
    expect(['config/settings.yaml', 'config/environments.yml', 'helm/values.json', 'app/.env'].filter((f) => files.test(f))).toHaveLength(4);
    expect(files.test('README.md')).toBe(false);
  });

  it('passes a valid baseline', () => {
    // Act
    const result = runHook(repositoryWithDemoBaseline('valid'), ['config']);

    // Assess
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('baseline config is valid');
  });

  it('blocks the commit of a broken baseline and names the file and line', () => {
    // Prepare
    const repo = repositoryWithDemoBaseline('broken');
    const settings = join(repo, 'config', 'settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('    type: duration\n', '    type: durations\n'));

    // Act
    const result = runHook(repo, ['config']);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/settings\.yaml:\d+/);
  });
});

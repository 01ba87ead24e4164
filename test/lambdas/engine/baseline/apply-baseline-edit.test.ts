import { describe, expect, it } from 'vitest';
import { applyBaselineEdit, BaselineEditError } from '../../../../lambdas/engine/baseline/apply-baseline-edit.js';
import type { BaselineFile } from '../../../../lambdas/engine/baseline/baseline-file.js';
import { formatBaselineIssue } from '../../../../lambdas/engine/baseline/baseline-issue.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline, BaselineEdit } from '../../../../lambdas/engine/model.js';
import { file } from './positions.js';

const MAIN = file(
  'baseline.yaml',
  `# yaml-language-server: $schema=../schema/baseline.schema.json
# The payments estate. Keep this file reviewed.
version: 1
defaults:
  severity: medium     # escalate per key below
  precedence: [file, env, configmap, secret, ssm]

environments:
  staging-us:
    tier: staging
  production-eu:
    tier: production    # the EU estate
    sources:
      ssm:
      - /production-eu/api/

settings:
  DB_TIMEOUT:
    value: 10s          # raised after INC-1203
    severity: high
    environments: {production-eu: 60s}
  SIMPLE_KEY: "value"   # shorthand for { value }
  POOL_SIZE:
    value: 20
    environments:
      production-eu: 40   # EU traffic is heavier
  API_KEY:
    secret: true
ignore: ["KUBERNETES_*", 'HOSTNAME']
`,
);

const DIFFERENCES = file(
  'expected-differences.yaml',
  `# The documented contract between environments (seed 001).
expected_differences:
  LOG_LEVEL:
    staging: debug     # verbose while testing
    production: warn
exceptions:
  - key: POOL_SIZE
    environment: production-eu
    owner: alice@example.com
    reason: INC-4512 load test
    expires: 2026-10-01
`,
);

const FILES = [MAIN, DIFFERENCES];

function baselineOf(files: readonly BaselineFile[]): Baseline {
  const result = parseBaseline(files);
  if (!result.ok) throw new Error(result.issues.map((issue) => formatBaselineIssue(issue)).join('\n'));
  return result.baseline;
}

/** Applies the edit and re-parses the whole baseline with the edited file in place. */
function edit(change: BaselineEdit, files: readonly BaselineFile[] = FILES): { edited: BaselineFile; baseline: Baseline } {
  const edited = applyBaselineEdit(files, baselineOf(files), change);
  const next = files.map((candidate) => (candidate.name === edited.name ? edited : candidate));
  return { edited, baseline: baselineOf(next) };
}

/** Lines of `after` that are not in `before` (and the other way), in order. */
function diff(before: BaselineFile, after: BaselineFile): { added: string[]; removed: string[] } {
  const was = before.text.split('\n');
  const now = after.text.split('\n');
  return { added: now.filter((line) => !was.includes(line)), removed: was.filter((line) => !now.includes(line)) };
}

describe('Function: applyBaselineEdit', () => {
  describe('set', () => {
    it('changes a value in place, keeping every comment, the comment column and all other lines', () => {
      // Act
      const { edited, baseline } = edit({ path: ['settings', 'DB_TIMEOUT', 'value'], value: '30s', op: 'set' });

      // Assess
      expect(edited.name).toBe('baseline.yaml');
      expect(diff(MAIN, edited)).toEqual({
        added: ['    value: 30s          # raised after INC-1203'],
        removed: ['    value: 10s          # raised after INC-1203'],
      });
      expect(edited.text).toContain('# The payments estate. Keep this file reviewed.');
      expect(edited.text).toContain('    tier: production    # the EU estate');
      expect(baseline.settings.get('DB_TIMEOUT')?.value).toBe('30s');
    });

    it('sets an environment value inside a flow mapping, keeping its style', () => {
      const { edited, baseline } = edit({ path: ['settings', 'DB_TIMEOUT', 'environments', 'staging-us'], value: '20', op: 'set' });

      expect(diff(MAIN, edited).added).toEqual(['    environments: {production-eu: 60s, staging-us: "20"}']);
      expect(baseline.settings.get('DB_TIMEOUT')?.perEnvironment).toEqual({ 'production-eu': '60s', 'staging-us': '20' });
    });

    it('changes a number-valued entry of a block mapping, keeping it a plain number and its trailing comment', () => {
      const { edited, baseline } = edit({ path: ['settings', 'POOL_SIZE', 'environments', 'production-eu'], value: '25', op: 'set' });

      expect(diff(MAIN, edited)).toEqual({
        added: ['      production-eu: 25   # EU traffic is heavier'],
        removed: ['      production-eu: 40   # EU traffic is heavier'],
      });
      expect(baseline.settings.get('POOL_SIZE')?.perEnvironment).toEqual({ 'production-eu': '25' });
    });

    it('turns the scalar shorthand into a mapping when a sub-key must be added', () => {
      const { edited, baseline } = edit({ path: ['settings', 'SIMPLE_KEY', 'environments', 'staging-us'], value: null, op: 'set' });

      expect(edited.text).toContain(`  SIMPLE_KEY:
    value: "value" # shorthand for { value }
    environments:
      staging-us: null
`);
      expect(baseline.settings.get('SIMPLE_KEY')).toMatchObject({ value: 'value', perEnvironment: { 'staging-us': null } });
    });

    it('declares a new setting, creating the mappings on the way', () => {
      const { edited, baseline } = edit({ path: ['settings', 'ENABLE_NEW_CHECKOUT', 'value'], value: 'true', op: 'set' });

      expect(diff(MAIN, edited).added).toEqual(['  ENABLE_NEW_CHECKOUT:', '    value: "true"']);
      expect(baseline.settings.get('ENABLE_NEW_CHECKOUT')?.value).toBe('true');
    });

    it('writes values the way the schema wants them: secret: "true" becomes the boolean true', () => {
      const { edited, baseline } = edit({ path: ['settings', 'STRIPE_KEY', 'secret'], value: 'true', op: 'set' });

      expect(edited.text).toContain('  STRIPE_KEY:\n    secret: true\n');
      expect(baseline.settings.get('STRIPE_KEY')?.secret).toBe(true);
    });

    it('writes the scalar of the setting’s declared type: integers and numbers plain, booleans as booleans, the rest as text', () => {
      // Prepare
      const typed = file(
        'typed.yaml',
        `environments:
  prod:
    tier: production
settings:
  RETRIES: { value: 3, type: integer }
  RATIO: { value: 0.5, type: number }
  ENABLED: { value: "false", type: boolean }
  TIMEOUT: { value: 10s, type: duration }
  LABEL: { value: blue }
  WEIGHT: { type: integer }
expected_differences:
  WEIGHT:
    production: "1"
`,
      );

      // Act
      const set = (key: string, value: string) => edit({ path: ['settings', key, 'environments', 'prod'], value, op: 'set' }, [typed]);
      const retries = set('RETRIES', '5');
      const ratio = set('RATIO', '0.75');
      const padded = set('RETRIES', '007');
      const enabled = set('ENABLED', 'true');
      const timeout = set('TIMEOUT', '60s');
      const label = set('LABEL', '42');
      const weight = edit({ path: ['settings', 'WEIGHT', 'tiers', 'production'], value: '2', op: 'set' }, [typed]);

      // Assess: the scalar's kind follows the declared type; every one reads back as the text given.
      expect(retries.edited.text).toContain('RETRIES: { value: 3, type: integer, environments: { prod: 5 } }');
      expect(ratio.edited.text).toContain('environments: { prod: 0.75 }');
      expect(padded.edited.text).toContain('environments: { prod: "007" }');
      expect(enabled.edited.text).toContain('environments: { prod: true }');
      expect(timeout.edited.text).toContain('environments: { prod: 60s }');
      expect(label.edited.text).toContain('environments: { prod: "42" }');
      expect(weight.edited.text).toContain('    production: 2\n');
      expect(retries.baseline.settings.get('RETRIES')?.perEnvironment).toEqual({ prod: '5' });
      expect(padded.baseline.settings.get('RETRIES')?.perEnvironment).toEqual({ prod: '007' });
      expect(enabled.baseline.settings.get('ENABLED')?.perEnvironment).toEqual({ prod: 'true' });
      expect(weight.baseline.settings.get('WEIGHT')?.perTier).toEqual({ production: '2' });
    });

    it('turns a quoted number of an integer setting into a plain one when it is changed, keeping its comment', () => {
      // Prepare
      const quoted = file(
        'quoted.yaml',
        'environments:\n  prod:\n    tier: production\nsettings:\n  RETRIES:\n    type: integer\n    value: "3"   # agreed in REL-2\n',
      );

      // Act
      const { edited, baseline } = edit({ path: ['settings', 'RETRIES', 'value'], value: '4', op: 'set' }, [quoted]);

      // Assess
      expect(diff(quoted, edited)).toEqual({ added: ['    value: 4     # agreed in REL-2'], removed: ['    value: "3"   # agreed in REL-2'] });
      expect(baseline.settings.get('RETRIES')?.value).toBe('4');
    });

    it('edits an expected difference where expected_differences already declares it', () => {
      const { edited, baseline } = edit({ path: ['settings', 'LOG_LEVEL', 'tiers', 'production'], value: 'error', op: 'set' });

      expect(edited.name).toBe('expected-differences.yaml');
      expect(diff(DIFFERENCES, edited)).toEqual({ added: ['    production: error'], removed: ['    production: warn'] });
      expect(edited.text).toContain('    staging: debug     # verbose while testing');
      expect(baseline.settings.get('LOG_LEVEL')?.perTier).toEqual({ staging: 'debug', production: 'error' });
    });

    it('adds an environment entry to expected_differences for a key declared only there', () => {
      const { edited, baseline } = edit({ path: ['settings', 'LOG_LEVEL', 'environments', 'production-eu'], value: 'info', op: 'set' });

      expect(edited.name).toBe('expected-differences.yaml');
      expect(diff(DIFFERENCES, edited).added).toEqual(['    production-eu: info']);
      expect(baseline.settings.get('LOG_LEVEL')?.perEnvironment).toEqual({ 'production-eu': 'info' });
    });

    it('refuses to write a value for a secret setting', () => {
      const act = (): unknown => applyBaselineEdit(FILES, baselineOf(FILES), { path: ['settings', 'API_KEY', 'environments', 'staging-us'], value: 'x' });

      expect(act).toThrow(BaselineEditError);
      expect(act).toThrow(/API_KEY is secret/);
    });
  });

  describe('settings of one application', () => {
    const apps = file(
      'applications.yaml',
      `applications:
  api:
    workloads: [deployment/api-server]
    settings:
      RETRIES: { value: 3, type: integer }
      SESSION_KEY: { secret: true }
`,
    );
    const envs = file(
      'environments.yaml',
      'environments:\n  prod:\n    tier: production\napplications:\n  web:\n    workloads: [deployment/web]\nsettings:\n  SHARED: 1\n',
    );

    it('declares a new key of an application in the file that declares that application, and writes its declared type', () => {
      // Act
      const created = edit({ path: ['applications', 'api', 'settings', 'FLAG', 'tiers', 'production'], value: 'on', op: 'set' }, [envs, apps]);
      const typed = edit({ path: ['applications', 'api', 'settings', 'RETRIES', 'environments', 'prod'], value: '5', op: 'set' }, [envs, apps]);

      // Assess
      expect(created.edited.name).toBe('applications.yaml');
      expect(created.baseline.applications?.get('api')?.settings.get('FLAG')?.perTier).toEqual({ production: 'on' });
      expect(typed.edited.text).toContain('RETRIES: { value: 3, type: integer, environments: { prod: 5 } }');
    });

    it('refuses to write a value for a secret setting of an application', () => {
      const act = (): unknown =>
        applyBaselineEdit([envs, apps], baselineOf([envs, apps]), {
          path: ['applications', 'api', 'settings', 'SESSION_KEY', 'environments', 'prod'],
          value: 'x',
        });

      expect(act).toThrow(BaselineEditError);
      expect(act).toThrow(/SESSION_KEY is secret/);
    });
  });

  describe('append and delete', () => {
    it('appends an exception to the file holding the exceptions section', () => {
      const { edited, baseline } = edit({
        path: ['exceptions'],
        value: { key: 'DB_TIMEOUT', environment: 'production-eu', owner: 'bob@example.com', reason: 'INC-9', expires: '2026-12-01' },
        op: 'append',
      });

      expect(edited.name).toBe('expected-differences.yaml');
      expect(
        edited.text.endsWith(`    expires: 2026-10-01
  - key: DB_TIMEOUT
    environment: production-eu
    owner: bob@example.com
    reason: INC-9
    expires: 2026-12-01
`),
      ).toBe(true);
      expect(baseline.exceptions.map((exception) => exception.key)).toEqual(['POOL_SIZE', 'DB_TIMEOUT']);
    });

    it('appends to a flow sequence in its own style', () => {
      const { edited, baseline } = edit({ path: ['ignore'], value: 'FEATURE_*', op: 'append' });

      expect(diff(MAIN, edited).added).toEqual([`ignore: ["KUBERNETES_*", 'HOSTNAME', FEATURE_*]`]);
      expect(baseline.ignore).toEqual(['KUBERNETES_*', 'HOSTNAME', 'FEATURE_*']);
    });

    it('grows an emptied list as a block, the style of the format’s lists, not as the flow `[]` it was left as', () => {
      // Prepare
      const emptied = file('exceptions.yaml', '# Temporary deviations.\nexceptions: []\n');
      const main = file('main.yaml', 'environments:\n  prod:\n    tier: production\n');

      // Act
      const { edited } = edit(
        { path: ['exceptions'], value: { key: 'A', environment: 'prod', owner: 'o@example.com', reason: 'R-1', expires: '2027-01-01' }, op: 'append' },
        [main, emptied],
      );

      // Assess
      expect(edited.text).toBe(
        '# Temporary deviations.\nexceptions:\n  - key: A\n    environment: prod\n    owner: o@example.com\n    reason: R-1\n    expires: 2027-01-01\n',
      );
    });

    it('deletes an entry and the mapping it leaves empty, but keeps the setting', () => {
      const { edited, baseline } = edit({ path: ['settings', 'DB_TIMEOUT', 'environments', 'production-eu'], value: undefined, op: 'delete' });

      expect(diff(MAIN, edited)).toEqual({ added: [], removed: ['    environments: {production-eu: 60s}'] });
      expect(baseline.settings.get('DB_TIMEOUT')).toMatchObject({ value: '10s', perEnvironment: {} });
    });

    it('deletes an exception by index', () => {
      const { baseline } = edit({ path: ['exceptions', '0'], value: undefined });

      expect(baseline.exceptions).toEqual([]);
    });

    it('leaves the file as it was when the path to delete does not exist', () => {
      const edited = applyBaselineEdit(FILES, baselineOf(FILES), { path: ['settings', 'NOPE', 'value'], value: undefined, op: 'delete' });

      expect(edited).toEqual(MAIN);
    });
  });

  describe('file choice', () => {
    it('uses edit.file when given and rejects a file the baseline does not have', () => {
      const { edited } = edit({ path: ['ignore'], value: 'X_*', op: 'append', file: 'expected-differences.yaml' });
      expect(edited.name).toBe('expected-differences.yaml');
      expect(edited.text).toContain('ignore:\n  - X_*\n');

      expect(() => applyBaselineEdit(FILES, baselineOf(FILES), { path: ['ignore'], value: 'Y', op: 'append', file: 'other.yaml' })).toThrow(
        /cannot edit other\.yaml: the baseline has no such file/,
      );
    });

    it('edits the file that declares the setting, whatever its position', () => {
      const settings = file('z-settings.yaml', `settings:\n  LATE_KEY: 1 # declared last\n`);
      const files = [...FILES, settings];

      const { edited, baseline } = edit({ path: ['settings', 'LATE_KEY', 'environments', 'staging-us'], value: '2' }, files);

      expect(edited.name).toBe('z-settings.yaml');
      expect(baseline.settings.get('LATE_KEY')).toMatchObject({ value: '1', perEnvironment: { 'staging-us': '2' } });
    });

    it('falls back to the first file when no file holds the section', () => {
      const { edited } = edit({ path: ['attribution', 'pipeline_principals'], value: 'role/deploy', op: 'append' });

      expect(edited.name).toBe('baseline.yaml');
      // This file writes lists flush with their key (`ssm:` / `- /production-eu/api/`): so does the edit.
      expect(edited.text.endsWith(`ignore: ["KUBERNETES_*", 'HOSTNAME']\nattribution:\n  pipeline_principals:\n  - role/deploy\n`)).toBe(true);
    });

    it('refuses to edit a file that is not valid YAML, and a path outside the format', () => {
      const broken = [file('a.yaml', 'settings: [\n')];
      const baseline = baselineOf(FILES);

      expect(() => applyBaselineEdit(broken, baseline, { path: ['settings', 'A', 'value'], value: '1' })).toThrow(
        expect.objectContaining({ code: 'yaml-syntax' }),
      );
      expect(() => applyBaselineEdit(FILES, baseline, { path: ['setings', 'A'], value: '1' })).toThrow(expect.objectContaining({ code: 'invalid-path' }));
    });
  });

  describe('layout', () => {
    it('leaves regions the YAML printer would lay out differently exactly as written', () => {
      const spread = file(
        'spread.yaml',
        `environments:
  eu: { tier: production }   # only one
ignore: [
  "A_*",    # first
  "B_*",
]
settings:
  Y:
    value: 1
`,
      );

      const { edited, baseline } = edit({ path: ['settings', 'Y', 'value'], value: '2' }, [spread]);

      expect(edited.text).toBe(spread.text.replace('value: 1', 'value: 2'));
      expect(baseline.settings.get('Y')?.value).toBe('2');
    });

    it('quotes a number-like value that would not read back as written', () => {
      const { edited, baseline } = edit({ path: ['settings', 'POOL_SIZE', 'value'], value: '1.50' });

      expect(diff(MAIN, edited).added).toEqual(['    value: "1.50"']);
      expect(baseline.settings.get('POOL_SIZE')?.value).toBe('1.50');
    });

    it('keeps a 4-space indented file with unindented lists in its own style', () => {
      const wide = file(
        'wide.yaml',
        `environments:
    eu:
        tier: production
        sources:
            ssm:
            - /eu/api/
settings:
    KEY:
        value: a    # note
`,
      );

      const { edited } = edit({ path: ['settings', 'KEY', 'environments', 'eu'], value: 'b' }, [wide]);

      expect(edited.text).toBe(`environments:
    eu:
        tier: production
        sources:
            ssm:
            - /eu/api/
settings:
    KEY:
        value: a    # note
        environments:
            eu: b
`);
    });
  });
});

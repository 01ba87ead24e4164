import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { acceptFindings, type AcceptResult } from '../../../../lambdas/engine/accept/accept-findings.js';
import { AcceptError } from '../../../../lambdas/engine/accept/accept-error.js';
import type { AcceptChoices, AcceptState } from '../../../../lambdas/engine/accept/plan-accept.js';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import type { BaselineFile } from '../../../../lambdas/engine/baseline/baseline-file.js';
import { formatBaselineIssue } from '../../../../lambdas/engine/baseline/baseline-issue.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { Finding, Observation, Snapshot } from '../../../../lambdas/engine/model.js';
import { envVar, failedSource, image, okSource, snapshot } from '../analyse/builders.js';
import { file } from '../baseline/positions.js';

const NOW = new Date('2026-11-23T12:00:00Z');

const ENVIRONMENTS = `defaults:
  unmanaged: report
environments:
  staging-us:
    tier: staging
  prod-us:
    tier: production
  prod-eu:
    tier: production
  prod-ap:
    tier: production
`;

/** A settings section that gives no finding of its own. */
const SETTINGS = 'settings:\n  NOTE:\n    parity: none\n';

function stateOf(files: readonly BaselineFile[], snapshots: readonly Snapshot[]): AcceptState {
  const parsed = parseBaseline(files);
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => formatBaselineIssue(issue)).join('\n'));
  const { findings } = analyse({ baseline: parsed.baseline, snapshots, now: NOW });
  return { files, baseline: parsed.baseline, snapshots, now: NOW, findings };
}

/** One snapshot per environment, each holding `observations[env]`. */
function estate(observations: Readonly<Record<string, readonly Observation[]>>): Snapshot[] {
  return ['staging-us', 'prod-us', 'prod-eu', 'prod-ap'].map((name) => snapshot(name, observations[name] ?? []));
}

function byId(state: AcceptState, ...ids: string[]): Finding[] {
  return ids.map((id) => {
    const finding = state.findings.find((candidate) => candidate.id === id);
    if (finding === undefined) throw new Error(`no ${id} among ${state.findings.map((candidate) => candidate.id).join(', ')}`);
    return finding;
  });
}

/** The ids a scan of the same estate gives with the accepted baseline. */
function rescan(state: AcceptState, result: AcceptResult): string[] {
  const files = state.files.map((original) => result.edited.find(({ before }) => before.name === original.name)?.after ?? original);
  return stateOf(files, state.snapshots).findings.map((finding) => finding.id);
}

function editedData(result: AcceptResult, name = 'baseline.yaml'): Record<string, unknown> {
  const edited = result.edited.find(({ after }) => after.name === name);
  if (edited === undefined) throw new Error(`${name} was not edited`);
  return parse(edited.after.text) as Record<string, unknown>;
}

function settingOf(result: AcceptResult, key: string): unknown {
  return (editedData(result).settings as Record<string, unknown>)[key];
}

function accept(state: AcceptState, ids: readonly string[], options: AcceptChoices = {}): AcceptResult {
  return acceptFindings(state, byId(state, ...ids), options);
}

describe('Function: acceptFindings', () => {
  describe('where the value lives', () => {
    it('declares an undeclared key for the tier when every environment of the tier holds the value', () => {
      // Prepare
      const files = [file('baseline.yaml', `${ENVIRONMENTS}${SETTINGS}`)];
      const state = stateOf(files, estate({ 'prod-us': [envVar('FLAG', 'on')], 'prod-eu': [envVar('FLAG', 'on')], 'prod-ap': [envVar('FLAG', 'on')] }));

      // Act
      const result = accept(state, ['unmanaged:prod-us:FLAG']);

      // Assess
      expect(settingOf(result, 'FLAG')).toEqual({ tiers: { production: 'on' } });
      expect(result.accepted[0]?.changes).toEqual([{ description: 'declare FLAG as on in every production environment', file: 'baseline.yaml' }]);
      expect(rescan(state, result)).toEqual([]);
    });

    it('declares it for the environment alone when another environment of the tier does not hold it', () => {
      // Prepare: prod-ap does not set FLAG; a tier entry would make it missing there.
      const files = [file('baseline.yaml', `${ENVIRONMENTS}${SETTINGS}`)];
      const state = stateOf(files, estate({ 'prod-us': [envVar('FLAG', 'on')], 'prod-eu': [envVar('FLAG', 'on')] }));

      // Act
      const result = accept(state, ['unmanaged:prod-us:FLAG']);

      // Assess
      expect(settingOf(result, 'FLAG')).toEqual({ environments: { 'prod-us': 'on' } });
      expect(rescan(state, result)).toEqual([]);
    });

    it('declares it for the environment alone when an environment of the tier could not be read', () => {
      // Prepare
      const files = [file('baseline.yaml', `${ENVIRONMENTS}${SETTINGS}`)];
      const unread = snapshot('prod-ap', [], {
        sources: [okSource('ssm:us-east-1:/prod-ap/api/', 'ssm', ['ssm']), failedSource('eks:prod-ap/api', 'eks', ['env', 'configmap', 'secret'])],
      });
      const snapshots = [snapshot('staging-us', []), snapshot('prod-us', [envVar('FLAG', 'on')]), snapshot('prod-eu', [envVar('FLAG', 'on')]), unread];
      const state = stateOf(files, snapshots);

      // Act
      const result = accept(state, ['unmanaged:prod-us:FLAG', 'unmanaged:prod-eu:FLAG']);

      // Assess
      expect(settingOf(result, 'FLAG')).toEqual({ environments: { 'prod-us': 'on', 'prod-eu': 'on' } });
    });

    it('declares it for the environment when it is the only one of its tier', () => {
      // Prepare
      const files = [file('baseline.yaml', `${ENVIRONMENTS}${SETTINGS}`)];
      const state = stateOf(files, estate({ 'staging-us': [envVar('FLAG', 'on')] }));

      // Act
      const result = accept(state, ['unmanaged:staging-us:FLAG']);

      // Assess
      expect(settingOf(result, 'FLAG')).toEqual({ environments: { 'staging-us': 'on' } });
      expect(rescan(state, result)).toEqual([]);
    });

    it('keeps an environment’s own entry its own, and gives the rest of the tier one tier entry', () => {
      // Prepare: prod-us declares 30 for itself; every production environment now runs 40.
      const files = [file('baseline.yaml', `${ENVIRONMENTS}settings:\n  POOL:\n    value: 20\n    type: integer\n    environments:\n      prod-us: 30\n`)];
      const pool = envVar('POOL', '40');
      const state = stateOf(files, estate({ 'staging-us': [envVar('POOL', '20')], 'prod-us': [pool], 'prod-eu': [pool], 'prod-ap': [pool] }));

      // Act
      const result = accept(state, ['changed:prod-us:POOL', 'changed:prod-eu:POOL', 'changed:prod-ap:POOL']);

      // Assess
      expect(settingOf(result, 'POOL')).toEqual({ value: 20, type: 'integer', environments: { 'prod-us': 40 }, tiers: { production: 40 } });
      expect(rescan(state, result)).toEqual([]);
    });
  });

  describe('never creates new drift', () => {
    it('writes nothing when accepting one of three disagreeing environments would open parity between the other two, and says to accept them together', () => {
      // Prepare
      const files = [file('baseline.yaml', `${ENVIRONMENTS}${SETTINGS}`)];
      const state = stateOf(files, estate({ 'prod-us': [envVar('FLAG', 'a')], 'prod-eu': [envVar('FLAG', 'b')], 'prod-ap': [envVar('FLAG', 'c')] }));

      // Act
      const alone = (): unknown => accept(state, ['unmanaged:prod-us:FLAG']);
      const together = accept(state, ['unmanaged:prod-us:FLAG', 'unmanaged:prod-eu:FLAG', 'unmanaged:prod-ap:FLAG']);

      // Assess
      expect(alone).toThrow(AcceptError);
      expect(alone).toThrow(/would open parity:prod-eu\+prod-ap:FLAG/);
      expect(alone).toThrow('drift-audit baseline accept unmanaged:prod-us:FLAG unmanaged:prod-ap:FLAG unmanaged:prod-eu:FLAG');
      expect(settingOf(together, 'FLAG')).toEqual({ environments: { 'prod-us': 'a', 'prod-eu': 'b', 'prod-ap': 'c' } });
      expect(rescan(state, together)).toEqual([]);
    });
  });

  describe('the contract on its own (undeclared keys compared)', () => {
    it('declares each environment’s value of a difference no majority holds, so the difference is declared as expected', () => {
      // Prepare: no setting declares RATE; staging and production disagree and neither is a majority.
      const files = [file('baseline.yaml', `environments:\n  staging-us:\n    tier: staging\n  prod-us:\n    tier: production\n${SETTINGS}`)];
      const snapshots = [snapshot('staging-us', [envVar('RATE', '5')]), snapshot('prod-us', [envVar('RATE', '50')])];
      const state = stateOf(files, snapshots);
      const [difference] = state.findings;

      // Act
      const result = acceptFindings(state, state.findings, {});

      // Assess
      expect(difference).toMatchObject({ type: 'parity', environment: 'staging-us+prod-us', key: 'RATE' });
      expect(settingOf(result, 'RATE')).toEqual({ environments: { 'staging-us': '5', 'prod-us': '50' } });
      expect(rescan(state, result)).toEqual([]);
    });
  });

  describe('expired exceptions', () => {
    const withException = (expires: string) => [
      file('baseline.yaml', `${ENVIRONMENTS}settings:\n  MODE: safe\n`),
      file(
        'exceptions.yaml',
        `exceptions:\n  # the production soak\n  - key: MODE\n    tier: production\n    value: fast\n    owner: dana@example.com\n    reason: REL-9 soak\n    expires: ${expires}\n`,
      ),
    ];
    const live = estate({
      'staging-us': [envVar('MODE', 'safe')],
      'prod-us': [envVar('MODE', 'fast')],
      'prod-eu': [envVar('MODE', 'fast')],
      'prod-ap': [envVar('MODE', 'safe')],
    });

    it('keeps an exception that still covers another environment, declaring the accepted one’s value', () => {
      // Prepare
      const state = stateOf(withException('2026-10-01'), live);

      // Act
      const result = accept(state, ['exception-expired:prod-us:MODE']);

      // Assess
      expect(result.edited.map(({ after }) => after.name)).toEqual(['baseline.yaml']);
      expect(settingOf(result, 'MODE')).toEqual({ value: 'safe', environments: { 'prod-us': 'fast' } });
      expect(rescan(state, result)).toEqual(['exception-expired:prod-eu:MODE']);
    });

    it('removes it once every deviation it covers is accepted, keeping the file’s other lines', () => {
      // Prepare
      const state = stateOf(withException('2026-10-01'), live);

      // Act
      const result = accept(state, ['exception-expired:prod-us:MODE', 'exception-expired:prod-eu:MODE']);

      // Assess
      expect(editedData(result, 'exceptions.yaml')).toEqual({ exceptions: [] });
      expect(settingOf(result, 'MODE')).toEqual({ value: 'safe', environments: { 'prod-us': 'fast', 'prod-eu': 'fast' } });
      expect(rescan(state, result)).toEqual([]);
    });

    it('extends it instead with a new end date, which then covers every environment it did', () => {
      // Prepare
      const state = stateOf(withException('2026-10-01'), live);

      // Act
      const result = accept(state, ['exception-expired:prod-us:MODE'], { extend: '2027-02-28' });

      // Assess
      const [exceptions] = result.edited;
      expect(exceptions?.after.text).toBe(exceptions?.before.text.replace('expires: 2026-10-01', 'expires: 2027-02-28'));
      expect(rescan(state, result)).toEqual([]);
    });
  });

  describe('image versions', () => {
    it('writes the whole image reference when only the digest differs, since the tag would allow any build of it', () => {
      // Prepare
      const files = [file('baseline.yaml', `${ENVIRONMENTS}${SETTINGS}`)];
      const built = (digest: string) => [image('registry.example.com/app', '1.2', { digest })];
      const snapshots = ['staging-us', 'prod-us', 'prod-eu', 'prod-ap'].map((name) =>
        snapshot(name, [], { images: built(name === 'staging-us' ? 'sha256:bbbb' : 'sha256:aaaa') }),
      );
      const state = stateOf(files, snapshots);
      const terms = { owner: 'erin@example.com', reason: 'REL-11 rebuilt base image', expires: '2027-01-15' };

      // Act
      const result = accept(state, ['version:staging-us:api/deployment/api-server/app'], { exception: terms });

      // Assess
      expect(editedData(result).exceptions).toEqual([
        { key: 'deployment/api-server/app', environment: 'staging-us', value: 'registry.example.com/app:1.2@sha256:bbbb', ...terms },
      ]);
      expect(rescan(state, result)).toEqual([]);
    });
  });

  describe('secrets', () => {
    it('declares an undeclared secret-looking key secret: true, and its value appears nowhere', () => {
      // Prepare
      const files = [file('baseline.yaml', `${ENVIRONMENTS}${SETTINGS}`)];
      const token = envVar('PAYMENTS_API_TOKEN', 'tok_canary_5f3a9');
      const state = stateOf(files, estate({ 'prod-us': [token], 'prod-eu': [token], 'prod-ap': [token] }));

      // Act
      const result = acceptFindings(state, state.findings, {});

      // Assess
      expect(settingOf(result, 'PAYMENTS_API_TOKEN')).toEqual({ secret: true });
      expect(JSON.stringify(result)).not.toContain('tok_canary_5f3a9');
      expect(rescan(state, result)).toEqual([]);
    });
  });
});

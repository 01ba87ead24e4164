/** What each finding type means and what to do about it: the SARIF rules' descriptions and help. */
import type { FindingType } from '../../engine/model.js';

/** A finding type described for people: a rule name, one line, and the help a viewer shows. */
export interface FindingTypeHelp {
  /** PascalCase, as SARIF `reportingDescriptor.name` recommends. */
  readonly name: string;
  readonly short: string;
  readonly full: string;
}

/** The README's table of finding types, with the remedy each one takes. */
export const FINDING_TYPE_HELP: Readonly<Record<FindingType, FindingTypeHelp>> = {
  changed: {
    name: 'ChangedValue',
    short: 'The live value differs from the baseline.',
    full: 'The effective live value differs from the value the baseline declares for this environment. Revert the live value (the finding gives the command), or accept it by declaring it in the baseline (`drift-audit baseline accept`).',
  },
  missing: {
    name: 'MissingSetting',
    short: 'A required setting is absent.',
    full: 'A required setting is absent everywhere in an environment whose sources were all read. Create it where the environment reads it, or declare it absent for this environment in the baseline.',
  },
  unmanaged: {
    name: 'UnmanagedKey',
    short: 'A live key nobody declared.',
    full: 'A live key that the baseline does not declare and does not ignore: configuration nobody owns. Declare it in the baseline, add it to `ignore`, or delete it.',
  },
  parity: {
    name: 'ParityBreak',
    short: 'Environments differ where no difference is declared.',
    full: 'Environments of a tier (or all of them) hold different values where the baseline declares no difference. Align the deviating environment, or declare the difference under `expected_differences`.',
  },
  'exception-expired': {
    name: 'ExpiredException',
    short: 'A temporary deviation is still live after its end date.',
    full: 'A declared exception has passed its `expires` date and the deviation it allowed is still live. Revert the deviation, or extend the exception with a new date and reason.',
  },
  invalid: {
    name: 'InvalidValue',
    short: 'The value breaks a constraint.',
    full: 'The live value breaks a declared constraint (type, enum, min/max, pattern). It supersedes `changed` for the same key. Fix the value; the constraint says what is allowed.',
  },
  shadowed: {
    name: 'ShadowedValue',
    short: 'Several sources hold the key with different values.',
    full: 'Several sources hold the key with different values; the one with the highest precedence wins and hides the others. Remove the losing copies, or make them agree, so a change to one is not silently overridden.',
  },
  version: {
    name: 'ImageVersionSkew',
    short: 'The same container runs different image tags across environments.',
    full: 'The same workload container runs different image tags in environments that should agree. Roll the lagging environment forward, or declare the difference.',
  },
  'secret-version': {
    name: 'SecretVersionSkew',
    short: 'A shared SecureString is at different versions.',
    full: 'A SecureString that environments of a parity group should share is at different SSM versions: rotated in one and not the other? Its value is never read; only versions are compared.',
  },
  stale: {
    name: 'StalePods',
    short: 'Running pods lag their configuration.',
    full: 'Running pods lag their workload template, or started before the ConfigMap key or SSM parameter feeding their environment last changed: they run the old value until restarted (`kubectl rollout restart`).',
  },
  'source-error': {
    name: 'SourceError',
    short: 'A source could not be read.',
    full: 'A source could not be read (access denied, throttled past retries, timeout, unreachable cluster, a declared workload that does not exist). The audit is partial: keys the source could hold are unknown, never missing. Fix access and run again.',
  },
};

import type { Finding, SettingSpec } from '../model.js';

/**
 * What an accepted value is declared for: the finding's key (of its application) in its environment and that environment's tier.
 * `undefined` is meaningful: a key of no application, an environment of no tier (accept changes carry them explicitly).
 */
export type AcceptSubject = Pick<Finding, 'key' | 'environment'> & {
  readonly tier?: string | undefined;
  readonly application?: string | undefined;
};

/**
 * How widely an accepted state is declared: for the finding's `environment`, for its `tier` (when
 * every environment of the tier holds that state), or `setting`: the setting's own mapping
 * (`secret: true` of a key whose value the baseline may never hold).
 */
export type AcceptScope = 'environment' | 'tier' | 'setting';

/**
 * Where a key's setting lives in the baseline: `applications.<app>.settings.KEY` for a key of one
 * application (a setting declared there, or a key no setting declares yet), `settings.KEY` for a shared
 * setting or a key of no application.
 */
export function settingPath(key: string, application: string | undefined, setting?: SettingSpec): string[] {
  if (setting !== undefined && setting.application === undefined) return ['settings', key];
  const owner = setting?.application ?? application;
  return owner === undefined ? ['settings', key] : ['applications', owner, 'settings', key];
}

/**
 * The baseline path that declares `subject`'s key where it lives: `<setting>.environments.ENV`,
 * `<setting>.tiers.TIER`, or `<setting>` itself, `<setting>` being where the key's setting is (or is
 * to be) declared ({@link settingPath}: shared, or under its application). `setting` is the setting
 * the audit applied to the key, when one did.
 *
 * Every accept (the fixes the rules attach to findings and `baseline accept`) builds its path here,
 * so where keys are declared is decided in one place. The editor redirects a path to
 * `expected_differences.KEY` when the key's differences are declared there.
 *
 * @throws {Error} when a tier scope is asked of a finding that names no tier (an engine bug).
 */
export function acceptTarget(subject: AcceptSubject, scope: AcceptScope, setting?: SettingSpec): readonly string[] {
  const declared = settingPath(subject.key, subject.application, setting);
  switch (scope) {
    case 'setting':
      return declared;
    case 'environment':
      return [...declared, 'environments', subject.environment];
    case 'tier':
      if (subject.tier === undefined) throw new Error(`internal: ${subject.key} in ${subject.environment} has no tier to declare it for`);
      return [...declared, 'tiers', subject.tier];
  }
}

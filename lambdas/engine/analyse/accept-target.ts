import type { Finding } from '../model.js';

/** What an accepted value is declared for: the finding's key in its environment (and that environment's tier). */
export type AcceptSubject = Pick<Finding, 'key' | 'environment' | 'tier'>;

/**
 * How widely an accepted state is declared: for the finding's `environment`, for its `tier` (when
 * every environment of the tier holds that state), or `setting`: the setting's own mapping
 * (`secret: true` of a key whose value the baseline may never hold).
 */
export type AcceptScope = 'environment' | 'tier' | 'setting';

/**
 * The baseline path that declares `subject`'s key where it lives: `settings.KEY.environments.ENV`,
 * `settings.KEY.tiers.TIER`, or `settings.KEY` itself.
 *
 * Every accept (the fixes the rules attach to findings and `baseline accept`) builds its path here,
 * so a change of where keys are declared (per application, say) is made in one place. The editor
 * redirects a path to `expected_differences.KEY` when the key's differences are declared there.
 *
 * @throws {Error} when a tier scope is asked of a finding that names no tier (an engine bug).
 */
export function acceptTarget(subject: AcceptSubject, scope: AcceptScope): readonly string[] {
  const setting = ['settings', subject.key];
  switch (scope) {
    case 'setting':
      return setting;
    case 'environment':
      return [...setting, 'environments', subject.environment];
    case 'tier':
      if (subject.tier === undefined) throw new Error(`internal: ${subject.key} in ${subject.environment} has no tier to declare it for`);
      return [...setting, 'tiers', subject.tier];
  }
}

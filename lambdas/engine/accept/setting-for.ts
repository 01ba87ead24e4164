import type { Baseline, SettingSpec } from '../model.js';

/**
 * The setting an audit applies to `key` as `application` reads it: the application's own
 * (`applications.<app>.settings.KEY`), else the shared one when it holds for that application (no
 * `applications` list, or one naming it), else none. The rule `explain` and the setting plans use.
 */
export function settingFor(baseline: Baseline, key: string, application: string | undefined): SettingSpec | undefined {
  const own = application === undefined ? undefined : baseline.applications?.get(application)?.settings.get(key);
  if (own !== undefined) return own;
  const shared = baseline.settings.get(key);
  return shared?.applications === undefined || shared.applications.includes(application ?? '') ? shared : undefined;
}

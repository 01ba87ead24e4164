import type { Baseline, SettingSpec } from '../model.js';

/**
 * The setting an audit applies to `key` as `application` reads it: the application's own
 * (`applications.<app>.settings.KEY`), else the shared one when it holds for that application (no
 * `applications` list, or one naming it), else none. The rule `explain` and the setting plans use.
 */
export function settingFor(baseline: Pick<Baseline, 'settings' | 'applications'>, key: string, application: string | undefined): SettingSpec | undefined {
  const own = application === undefined ? undefined : baseline.applications?.get(application)?.settings.get(key);
  if (own !== undefined) return own;
  const shared = baseline.settings.get(key);
  return shared?.applications === undefined || shared.applications.includes(application ?? '') ? shared : undefined;
}

/**
 * Every setting of `key`, shared and per application: what storage (snapshots, persisted state)
 * judges a key by when it cannot tell which application a value belongs to. It withholds a value
 * if any of them makes the key secret, and stores a secret-shaped one only if all of them opt out.
 */
export function settingsOfKey(baseline: Pick<Baseline, 'settings' | 'applications'>, key: string): SettingSpec[] {
  const settings: SettingSpec[] = [];
  const shared = baseline.settings.get(key);
  if (shared !== undefined) settings.push(shared);
  for (const application of baseline.applications?.values() ?? []) {
    const own = application.settings.get(key);
    if (own !== undefined) settings.push(own);
  }
  return settings;
}

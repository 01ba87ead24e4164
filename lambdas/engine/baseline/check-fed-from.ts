import { fedParameterIn } from '../analyse/fed-parameter.js';
import type { Baseline, SettingSpec } from '../model.js';
import type { BaselineIssue } from './baseline-issue.js';

/**
 * Checks every `fed_from` against the environments it is judged in, once the baseline is normalised
 * (the SSM trees and their applications are resolved then): in each environment the name must resolve
 * to a parameter under one of its SSM trees, and the setting must be an env var (`layer` env, or
 * none). A key that no workload sets as an env var is fine: it may be set from a values file.
 */
export function checkFedFrom(baseline: Baseline): BaselineIssue[] {
  const settings = [
    ...baseline.settings.values(),
    ...[...(baseline.applications?.values() ?? [])].flatMap((application) => [...application.settings.values()]),
  ];
  const issues: BaselineIssue[] = [];
  for (const setting of settings) {
    const fedFrom = setting.fedFrom;
    if (fedFrom === undefined) continue;
    const where = fedFrom.location ?? setting.location;
    const issue = (code: BaselineIssue['code'], message: string, expected: string): BaselineIssue => ({
      code,
      severity: 'error',
      file: where?.file ?? '',
      line: where?.line ?? 1,
      column: where?.column ?? 1,
      path: `${setting.application === undefined ? '' : `applications.${setting.application}.`}settings.${setting.key}.fed_from.ssm`,
      message,
      expected,
    });
    if (setting.layer !== undefined && setting.layer !== 'env') {
      issues.push(
        issue(
          'conflict',
          `${setting.key} declares fed_from an SSM parameter but layer ${setting.layer}; only an env var is fed from a parameter`,
          'layer: env, or no layer',
        ),
      );
      continue;
    }
    for (const env of baseline.environments) {
      for (const application of applicationsOf(setting)) {
        const resolved = fedParameterIn(fedFrom, env, application);
        const of = application === undefined ? '' : ` for ${application}`;
        if (resolved.kind === 'no-tree') {
          issues.push(
            issue(
              'invalid-value',
              `${setting.key}: fed_from ${fedFrom.ssm} is relative, but environment ${env.name} declares no SSM tree to resolve it against`,
              'a full parameter name such as /production-eu/api/db-url, or an SSM tree under sources.ssm of that environment',
            ),
          );
        } else if (resolved.kind === 'ambiguous') {
          issues.push(
            issue(
              'invalid-value',
              `${setting.key}: fed_from ${fedFrom.ssm} is relative, and environment ${env.name} has several SSM trees${of} (${resolved.trees.join(', ')})`,
              'a full parameter name, or the setting under applications.<app>.settings so the application’s tree is used',
            ),
          );
        } else if (resolved.kind === 'outside') {
          issues.push(
            issue(
              'invalid-value',
              `${setting.key}: fed_from ${fedFrom.ssm} is under no SSM tree of environment ${env.name} (${resolved.trees.length === 0 ? 'it declares none' : resolved.trees.join(', ')}), so its value is never read`,
              'a parameter under one of the environment’s SSM trees, or a name relative to it',
            ),
          );
        }
      }
    }
  }
  return issues;
}

/** The applications a setting is resolved for: its own, its declared list, or (unscoped) none in particular. */
function applicationsOf(setting: SettingSpec): readonly (string | undefined)[] {
  if (setting.application !== undefined) return [setting.application];
  return setting.applications ?? [undefined];
}

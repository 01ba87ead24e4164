import { RE2JS } from 're2js';
import type { BaselineDocument, DocumentPath } from './baseline-document.js';
import type { BaselineIssue } from './baseline-issue.js';
import { issueAt } from './issue-at.js';
import { isRecord } from './merge-baseline-files.js';

/**
 * Every `pattern` of a setting, or of a setting's scoped constraints, that RE2 cannot compile, located.
 *
 * The engine matches patterns with RE2 (linear time: see `compileConstraints`), so a pattern has to be
 * RE2 syntax as well as a regular expression: lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`) and
 * backreferences (`\1`) are refused here rather than silently never checked. Patterns that are not
 * regular expressions at all are left to the schema, which already reports them at the same place.
 */
export function checkPatterns(documents: readonly BaselineDocument[]): BaselineIssue[] {
  const issues: BaselineIssue[] = [];
  for (const document of documents) {
    if (!document.readable || !isRecord(document.data)) continue;
    checkSettings(document, ['settings'], document.data.settings, issues);
    // Settings declared per application (`applications.<app>.settings`) follow the same rules.
    const applications = document.data.applications;
    if (isRecord(applications)) {
      for (const [name, application] of Object.entries(applications)) {
        if (isRecord(application)) checkSettings(document, ['applications', name, 'settings'], application.settings, issues);
      }
    }
  }
  return issues;
}

function checkSettings(document: BaselineDocument, path: DocumentPath, settings: unknown, issues: BaselineIssue[]): void {
  if (!isRecord(settings)) return;
  for (const [key, spec] of Object.entries(settings)) {
    if (!isRecord(spec)) continue;
    checkPattern(document, [...path, key, 'pattern'], spec.pattern, issues);
    if (!isRecord(spec.constraints)) continue;
    for (const [scope, scoped] of Object.entries(spec.constraints)) {
      if (isRecord(scoped)) checkPattern(document, [...path, key, 'constraints', scope, 'pattern'], scoped.pattern, issues);
    }
  }
}

function checkPattern(document: BaselineDocument, path: DocumentPath, pattern: unknown, issues: BaselineIssue[]): void {
  if (typeof pattern !== 'string' || !isRegularExpression(pattern)) return;
  const problem = re2Problem(pattern);
  if (problem === undefined) return;
  issues.push(
    issueAt(
      document,
      path,
      'invalid-pattern',
      `pattern ${JSON.stringify(pattern)} is not RE2 syntax: patterns are matched with RE2, in time linear in the value, ` +
        `which has no lookaround and no backreferences (RE2: ${problem})`,
      { expected: 'a regular expression in RE2 syntax' },
    ),
  );
}

/** What RE2 says about `pattern`, or undefined when it compiles. */
export function re2Problem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^error parsing regexp: /, '');
  }
}

/** The schema's test: patterns failing it are reported there. */
function isRegularExpression(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DriftAuditContextError, parseDriftAuditContext } from '../../lib/context.js';

function fromContext(values: Record<string, unknown>) {
  return parseDriftAuditContext((key) => values[key]);
}

function problemsOf(values: Record<string, unknown>): readonly string[] {
  try {
    fromContext(values);
  } catch (error) {
    if (error instanceof DriftAuditContextError) return error.problems;
    throw error;
  }
  throw new Error('expected a DriftAuditContextError');
}

describe('Function: parseDriftAuditContext', () => {
  it('applies the documented defaults when no key is set', () => {
    expect(fromContext({})).toEqual({
      baselineDir: 'config',
      schedule: 'rate(1 hour)',
      timeoutMinutes: 5,
      memoryMb: 1024,
      ssmRequestsPerSecond: 20,
      ssmDescribeRequestsPerSecond: 5,
      reminders: true,
      reminderStaleAfterDays: 7,
      reminderExceptionWarningDays: 7,
      dashboard: true,
      reportRetentionDays: 90,
      logRetentionDays: 30,
      auditRoleName: 'drift-audit-auditor',
      baselineKey: 'baseline/baseline.json',
      uploadBaseline: true,
      changeEvents: false,
      changeBatchingWindowSeconds: 30,
      kubernetesAuditLogs: false,
      collection: 'single-function',
    });
  });

  it("reads the repository's cdk.json as the same defaults (empty strings mean unset)", () => {
    // Prepare
    const context = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

    // Act / Assess
    expect(fromContext(context)).toEqual(fromContext({}));
  });

  it('accepts the string values `cdk deploy -c key=value` passes', () => {
    // Act
    const settings = fromContext({
      'driftAudit:timeoutMinutes': '10',
      'driftAudit:ssmRequestsPerSecond': '7.5',
      'driftAudit:ssmDescribeRequestsPerSecond': '2.5',
      'driftAudit:uploadBaseline': 'false',
      'driftAudit:bucketName': 'my-baselines',
      'driftAudit:schedule': 'cron(0 6 * * ? *)',
      'driftAudit:expectedRunIntervalMinutes': '1440',
      'driftAudit:alertEmail': 'oncall@example.com',
      'driftAudit:chatbotWorkspaceId': 'T0123ABCD',
      'driftAudit:chatbotChannelId': 'C0123ABCD',
      'driftAudit:logRetentionDays': '90',
      'driftAudit:reminders': 'false',
      'driftAudit:reminderStaleAfterDays': '3',
      'driftAudit:reminderExceptionWarningDays': '0',
    });

    // Assess
    expect(settings).toMatchObject({
      timeoutMinutes: 10,
      ssmRequestsPerSecond: 7.5,
      ssmDescribeRequestsPerSecond: 2.5,
      uploadBaseline: false,
      bucketName: 'my-baselines',
      schedule: 'cron(0 6 * * ? *)',
      expectedRunIntervalMinutes: 1440,
      alertEmail: 'oncall@example.com',
      chatbotWorkspaceId: 'T0123ABCD',
      chatbotChannelId: 'C0123ABCD',
      logRetentionDays: 90,
      reminders: false,
      reminderStaleAfterDays: 3,
      reminderExceptionWarningDays: 0,
    });
  });

  it('reports every bad key at once, each with its value and what was expected', () => {
    // Act
    const problems = problemsOf({
      'driftAudit:timeoutMinutes': 20,
      'driftAudit:schedule': 'rate(1 hours)',
      'driftAudit:alertEmail': 'not-an-email',
      'driftAudit:ssmRequestsPerSecond': 'fast',
      'driftAudit:ssmDescribeRequestsPerSecond': 0,
      'driftAudit:logRetentionDays': 4,
      'driftAudit:uploadBaseline': 'maybe',
      'driftAudit:reminderStaleAfterDays': '0',
    });

    // Assess
    expect(problems).toHaveLength(8);
    expect(problems.join('\n')).toMatch(/driftAudit:ssmDescribeRequestsPerSecond = 0: expected a positive number of requests per second/);
    expect(problems.join('\n')).toMatch(/driftAudit:reminderStaleAfterDays = "0": expected days, a whole number from 1 to 400/);
    expect(problems.join('\n')).toMatch(/driftAudit:timeoutMinutes = 20: expected whole minutes, a whole number from 1 to 15/);
    expect(problems.join('\n')).toMatch(/driftAudit:schedule = "rate\(1 hours\)": write rate\(1 hour\), singular/);
    expect(problems.join('\n')).toMatch(/driftAudit:alertEmail = "not-an-email": expected an email address/);
    expect(problems.join('\n')).toMatch(/driftAudit:ssmRequestsPerSecond = "fast": expected a positive number/);
    expect(problems.join('\n')).toMatch(/driftAudit:logRetentionDays = 4: CloudWatch Logs accepts 1, 3, 5, 7, 14/);
    expect(problems.join('\n')).toMatch(/driftAudit:uploadBaseline = "maybe": expected true or false/);
  });

  it('requires both Chatbot ids or neither', () => {
    expect(problemsOf({ 'driftAudit:chatbotWorkspaceId': 'T0123ABCD' })).toEqual([
      'driftAudit:chatbotWorkspaceId and driftAudit:chatbotChannelId go together: set both or neither',
    ]);
  });

  it('requires an expected run interval with a cron schedule', () => {
    expect(problemsOf({ 'driftAudit:schedule': 'cron(0 6 * * ? *)' })[0]).toMatch(/expectedRunIntervalMinutes is required with a cron\(\) schedule/);
  });

  it('requires an existing bucket when the baseline is not uploaded', () => {
    expect(problemsOf({ 'driftAudit:uploadBaseline': false })[0]).toMatch(/uploadBaseline = false needs driftAudit:bucketName/);
  });

  it('refuses a baseline key that names a prefix', () => {
    expect(problemsOf({ 'driftAudit:baselineKey': 'baseline/' })[0]).toMatch(/must name an object/);
  });

  it('names the source of the error in its message', () => {
    expect(() => fromContext({ 'driftAudit:memoryMb': 64 })).toThrow(/invalid drift-audit context \(cdk\.json "context" or -c\):\n- driftAudit:memoryMb = 64/);
  });
});

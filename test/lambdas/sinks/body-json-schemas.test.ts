import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildRunMessage, type RunMessageBody } from '../../../lambdas/sinks/alerts/run-message.js';
import { renderJson } from '../../../lambdas/sinks/report/index.js';
import { BODY_JSON_SCHEMAS } from '../../../lambdas/sinks/render-body-json-schemas.js';
import { demoAlert } from '../../support/demo-alert.js';
import { opened, openedMany, sampleFinding, sampleRun } from '../../support/sample-findings.js';
import { cleanRun, completeRunWithDrift, partialRun } from './report/report-fixture.js';

function committed(path: string): string {
  return readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
}

function validatorOf(path: string): ValidateFunction {
  // strict: false because zod writes annotation keywords (`title`, `description`) ajv's strict mode wants declared.
  return new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(committed(path)) as object);
}

function problemsOf(validate: ValidateFunction, document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

describe('Files: schema/alert.schema.json and schema/report.schema.json', () => {
  it.each(BODY_JSON_SCHEMAS.map((schema) => [schema.path, schema]))('%s is exactly what `npm run schema` writes from the zod schema now', (_path, schema) => {
    expect(committed(schema.path)).toBe(schema.render());
  });

  it('accepts the alert bodies the auditor sends: the demo estate, a truncated 2,000-transition run, a failed run', async () => {
    // Prepare
    const validate = validatorOf('schema/alert.schema.json');
    const demo = JSON.parse((await demoAlert()).message.body) as RunMessageBody;
    const many = openedMany(2000, 9, () => ({ actual: { text: 'v'.repeat(900), secret: false } }));
    const truncated = JSON.parse(buildRunMessage(sampleRun(), many, { bucket: 'b', key: 'reports/r.html' })!.body) as RunMessageBody;
    const failed = JSON.parse(buildRunMessage(sampleRun({ status: 'failed', error: { code: 'baseline-invalid', message: 'config/a.yaml:3 bad' } }), [])!.body);

    // Assess
    expect(truncated.truncated).toBe(true);
    for (const body of [demo, truncated, failed]) expect(problemsOf(validate, body)).toEqual([]);
  });

  it('refuses an alert body a consumer could not rely on: an unknown severity, a transition without its finding id', () => {
    // Prepare
    const validate = validatorOf('schema/alert.schema.json');
    const body = JSON.parse(buildRunMessage(sampleRun(), [opened(sampleFinding())])!.body) as RunMessageBody;
    const [transition] = body.transitions;
    const { findingId: _omitted, ...withoutId } = transition!;

    // Assess
    expect(problemsOf(validate, { ...body, transitions: [{ ...transition, severity: 'urgent' }] })).toContain(
      '/transitions/0/severity must be equal to one of the allowed values',
    );
    expect(problemsOf(validate, { ...body, transitions: [withoutId] })).toContain("/transitions/0 must have required property 'findingId'");
    expect(problemsOf(validate, { ...body, schema: 'drift-audit.run/2' })).toContain('/schema must be equal to constant');
  });

  it('accepts the JSON reports the auditor writes: partial with transitions, complete with drift, clean', () => {
    // Prepare
    const validate = validatorOf('schema/report.schema.json');

    // Assess
    for (const input of [partialRun({ transitions: true }), completeRunWithDrift(), cleanRun()]) {
      expect(problemsOf(validate, JSON.parse(renderJson(input)))).toEqual([]);
    }
    expect(problemsOf(validate, { ...JSON.parse(renderJson(cleanRun())), status: 'unknown' })).toContain('/status must be equal to one of the allowed values');
  });
});

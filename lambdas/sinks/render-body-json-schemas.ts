import { z } from 'zod';
import { runMessageBodySchema } from './alerts/run-message-schema.js';
import { reportSchema } from './report/report-schema.js';

/** One published JSON Schema: where it is committed and how it is generated. */
export interface PublishedSchema {
  /** Relative to the repository root. */
  readonly path: string;
  readonly render: () => string;
}

/**
 * The JSON Schemas of what drift-audit sends and stores for others to read, generated from the zod
 * schemas their tests validate with: the alert body on the SNS topic and the JSON report in S3.
 * Draft-07 like the baseline's, the draft most validators in other languages support. `io: output`:
 * they describe what drift-audit writes.
 */
export const BODY_JSON_SCHEMAS: readonly PublishedSchema[] = [
  { path: 'schema/alert.schema.json', render: () => render(runMessageBodySchema) },
  { path: 'schema/report.schema.json', render: () => render(reportSchema) },
];

function render(schema: z.ZodType): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }), null, 2)}\n`;
}

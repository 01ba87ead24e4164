import { z } from 'zod';
import { baselineFileSchema } from './baseline-schema.js';

/** Where the committed JSON Schema lives, relative to the repository root. */
export const BASELINE_JSON_SCHEMA_PATH = 'schema/baseline.schema.json';

/**
 * The JSON Schema of one baseline file, as committed in `schema/baseline.schema.json`, generated from
 * the zod schema the parser validates with. Draft-07 because it is the draft editor plugins
 * (yaml-language-server, JetBrains) support best.
 */
export function renderBaselineJsonSchema(): string {
  const schema = z.toJSONSchema(baselineFileSchema, { target: 'draft-7', io: 'input' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}

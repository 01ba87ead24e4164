/**
 * Writes `schema/baseline.schema.json` from the zod schema the parser validates with, so editors
 * complete and check baseline files. Run with `npm run schema`; a test fails when the committed file
 * is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASELINE_JSON_SCHEMA_PATH, renderBaselineJsonSchema } from '../lambdas/engine/baseline/render-baseline-json-schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = resolve(root, BASELINE_JSON_SCHEMA_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderBaselineJsonSchema(), 'utf8');
process.stdout.write(`wrote ${BASELINE_JSON_SCHEMA_PATH}\n`);

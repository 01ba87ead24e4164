/**
 * Writes the committed JSON Schemas from the zod schemas the code validates with:
 * `schema/baseline.schema.json` (so editors complete and check baseline files), and the alert and report
 * bodies (`schema/alert.schema.json`, `schema/report.schema.json`) for consumers in other languages.
 * Run with `npm run schema`; tests fail when a committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASELINE_JSON_SCHEMA_PATH, renderBaselineJsonSchema } from '../lambdas/engine/baseline/render-baseline-json-schema.js';
import { BODY_JSON_SCHEMAS } from '../lambdas/sinks/render-body-json-schemas.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
for (const { path, render } of [{ path: BASELINE_JSON_SCHEMA_PATH, render: renderBaselineJsonSchema }, ...BODY_JSON_SCHEMAS]) {
  const target = resolve(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, render(), 'utf8');
  process.stdout.write(`wrote ${path}\n`);
}

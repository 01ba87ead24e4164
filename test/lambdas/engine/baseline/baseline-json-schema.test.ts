import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BASELINE_JSON_SCHEMA_PATH, renderBaselineJsonSchema } from '../../../../lambdas/engine/baseline/render-baseline-json-schema.js';

const committed = readFileSync(new URL(`../../../../${BASELINE_JSON_SCHEMA_PATH}`, import.meta.url), 'utf8');

describe('File: schema/baseline.schema.json', () => {
  it('is exactly what the generator writes from the zod schema now (run `npm run schema` when this fails)', () => {
    expect(committed).toBe(renderBaselineJsonSchema());
  });

  it('gives editors a title, descriptions, and closed objects so typos are flagged while typing', () => {
    const schema = JSON.parse(committed) as {
      title?: string;
      description?: string;
      additionalProperties?: boolean;
      properties: Record<string, { description?: string }>;
    };

    expect(schema.title).toBe('drift-audit baseline');
    expect(schema.description).toBeTruthy();
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual([
      'version',
      'defaults',
      'attribution',
      'images',
      'environments',
      'applications',
      'settings',
      'expected_differences',
      'ignore',
      'exceptions',
    ]);
    expect(schema.properties.expected_differences?.description).toMatch(/Declared differences/);
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../../lambdas/sources/files/parse-dotenv.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/snapshots/', import.meta.url));

describe('Function: parseDotenv', () => {
  it('reads values as dotenv does (export prefix, quotes, inline #, multi-line, empty), keys as they are', () => {
    // Prepare
    const text = readFileSync(`${FIXTURES}estate/production-eu/api.env`, 'utf8');

    // Act
    const { observations } = parseDotenv(text, { file: 'production-eu/api.env', region: 'eu-west-1' });

    // Assess
    expect(observations.map((o) => [o.key, o.value])).toEqual([
      ['EMPTY', { kind: 'plain', value: '' }],
      ['ENABLE_NEW_CHECKOUT', { kind: 'plain', value: 'true' }],
      ['GREETING', { kind: 'plain', value: 'hello # not a comment' }],
      ['MULTILINE', { kind: 'plain', value: 'first\nsecond' }],
      ['PAYMENT_MAX_RETRIES', { kind: 'plain', value: '5' }],
    ]);
    expect(observations[4]?.provenance).toEqual({
      source: 'dotenv',
      layer: 'env',
      location: 'production-eu/api.env',
      file: 'production-eu/api.env',
      region: 'eu-west-1',
      target: { kind: 'file-key', file: 'production-eu/api.env', path: 'PAYMENT_MAX_RETRIES' },
    });
  });

  it('places observations in the layer the spec overrides to', () => {
    const { observations } = parseDotenv('A=1\n', { file: 'x.env', layer: 'file' });

    expect(observations[0]?.provenance.layer).toBe('file');
  });
});

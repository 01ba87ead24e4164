import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAppConfig } from '../../../../lambdas/sources/files/parse-app-config.js';
import { SnapshotFileError } from '../../../../lambdas/sources/files/snapshot-file-error.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/snapshots/', import.meta.url));

describe('Function: parseAppConfig', () => {
  const yamlText = readFileSync(`${FIXTURES}estate/production-eu/app-config.yaml`, 'utf8');

  it('flattens nested maps with . and applies the env key style (seed 000 regional config)', () => {
    // Act
    const { observations } = parseAppConfig(yamlText, { file: 'production-eu/app-config.yaml', keyStyle: 'env' });

    // Assess
    expect(observations.map((o) => [o.key, o.value.kind === 'plain' ? o.value.value : '?'])).toEqual([
      ['DATABASE_HOST', 'db-eu-west.example.com'],
      ['DATABASE_POOL_SIZE', '20'],
      ['DATABASE_PORT', '5432'],
      ['DATABASE_TIMEOUT', '30'],
      ['FEATURE_NEW_CHECKOUT', 'true'],
      ['FEATURE_REGIONS', '["eu-west-1","eu-central-1"]'],
      ['SERVERS_0_HOST', 'a.internal'],
      ['SERVERS_0_WEIGHT', '2'],
      ['SERVERS_1_HOST', 'b.internal'],
      ['SERVERS_1_WEIGHT', '1'],
    ]);
    expect(observations[1]?.provenance).toEqual({
      source: 'app-config',
      layer: 'file',
      location: 'production-eu/app-config.yaml#database.pool_size',
      file: 'production-eu/app-config.yaml',
      target: { kind: 'file-key', file: 'production-eu/app-config.yaml', path: 'database.pool_size' },
    });
  });

  it('keeps dotted paths in relative style and reads JSON files as JSON', () => {
    const { observations } = parseAppConfig('{"database": {"pool_size": 10, "timeout": 60}}', { file: 'eu.json', keyStyle: 'relative' });

    expect(observations.map((o) => o.key)).toEqual(['database.pool_size', 'database.timeout']);
  });

  it('warns when two paths map to the same key', () => {
    const { observations, warnings } = parseAppConfig('database:\n  pool_size: 1\ndatabase_pool_size: 2\n', { file: 'c.yaml', keyStyle: 'env' });

    expect(observations).toHaveLength(2);
    expect(warnings).toEqual(['c.yaml: database.pool_size and database_pool_size both map to key DATABASE_POOL_SIZE']);
  });

  it('reports a YAML error with file, line and column', () => {
    // Act
    let error: unknown;
    try {
      parseAppConfig(readFileSync(`${FIXTURES}broken/app-config-bad.yaml`, 'utf8'), { file: 'broken/app-config-bad.yaml', keyStyle: 'env' });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(SnapshotFileError);
    expect((error as SnapshotFileError).code).toBe('parse-error');
    expect((error as SnapshotFileError).position).toEqual({ line: 4, column: 1 });
    expect((error as SnapshotFileError).message).toMatch(/^broken\/app-config-bad\.yaml:4:1: cannot parse YAML: /);
  });

  it.each([
    ['an unterminated flow sequence', 'a: 1\nb: "x\n  SECRET-CANARY-YAML: [\n'],
    ['a stray scalar', 'key: value\n"SECRET-CANARY-YAML": : :\n'],
    // yaml's third message here is `Unexpected scalar token in YAML stream: "SECRET-CANARY-YAML"`.
    ['an unexpected scalar token', '- a\nk: SECRET-CANARY-YAML\n'],
  ])('never quotes the offending text in a YAML error (%s)', (_case, text) => {
    let message = '';
    try {
      parseAppConfig(text, { file: 's.yaml', keyStyle: 'env' });
    } catch (error) {
      expect(error).toBeInstanceOf(SnapshotFileError);
      message = (error as Error).message;
    }

    expect(message).toMatch(/^s\.yaml:\d+:\d+: cannot parse YAML: /);
    expect(message).not.toContain('SECRET-CANARY');
  });

  it('rejects a top level that is not a mapping, located', () => {
    expect(() => parseAppConfig('- a\n- b\n', { file: 'list.yaml', keyStyle: 'env' })).toThrow(
      expect.objectContaining({ code: 'invalid-content', message: 'list.yaml:1:1: application config must be a mapping of keys to values at the top level' }),
    );
  });
});

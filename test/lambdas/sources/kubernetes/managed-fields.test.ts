import { describe, expect, it } from 'vitest';
import { findFieldManager } from '../../../../lambdas/sources/kubernetes/managed-fields.js';

const ENV_PATH = ['f:spec', 'f:template', 'f:spec', 'f:containers', { name: 'app' }, 'f:env', { name: 'DB_TIMEOUT' }];

function entry(manager: string, time: string | undefined, variable: string, key = `k:{"name":"app"}`) {
  return {
    manager,
    operation: 'Update',
    ...(time === undefined ? {} : { time }),
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { [key]: { 'f:env': { [`k:{"name":"${variable}"}`]: { 'f:value': {} } } } } } } } },
  };
}

describe('Function: findFieldManager', () => {
  it('returns the latest of the managers owning the path', () => {
    const fields = [
      entry('helm', '2026-01-01T00:00:00Z', 'DB_TIMEOUT'),
      entry('kubectl-set', '2026-03-01T00:00:00Z', 'DB_TIMEOUT'),
      entry('kubectl-edit', '2026-09-01T00:00:00Z', 'OTHER'),
    ];

    expect(findFieldManager(fields, ENV_PATH)).toEqual({ manager: 'kubectl-set', time: '2026-03-01T00:00:00Z' });
  });

  it('matches merge keys by their JSON content, not their spelling', () => {
    const fields = [entry('kubectl-edit', '2026-03-01T00:00:00Z', 'DB_TIMEOUT', 'k:{ "name" : "app" }')];

    expect(findFieldManager(fields, ENV_PATH)?.manager).toBe('kubectl-edit');
  });

  it('prefers an entry with a time over one without, and returns undefined when nobody owns the path', () => {
    expect(findFieldManager([entry('b', '2026-01-01T00:00:00Z', 'DB_TIMEOUT'), entry('a', undefined, 'DB_TIMEOUT')], ENV_PATH)).toEqual({
      manager: 'b',
      time: '2026-01-01T00:00:00Z',
    });
    expect(findFieldManager([entry('a', '2026-01-01T00:00:00Z', 'OTHER')], ENV_PATH)).toBeUndefined();
    expect(findFieldManager(undefined, ENV_PATH)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { AmbiguousApplicationError, explain, UnknownApplicationError } from '../../../../lambdas/engine/analyse/explain.js';
import type { Observation } from '../../../../lambdas/engine/model.js';
import { baseline, environment, envVar, snapshot } from './builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const staging = environment('staging', 'staging');
const production = environment('production', 'production');
const of = (application: string, observation: Observation): Observation => ({ ...observation, application });

describe('Function: explain (applications)', () => {
  const base = baseline({ environments: [staging, production] });
  const snapshots = [
    snapshot('staging', [of('api', envVar('PORT', '8080')), of('worker', envVar('PORT', '9090'))]),
    snapshot('production', [of('api', envVar('PORT', '8080'))]),
  ];

  it('picks the only application that reads the key in the environment asked about', () => {
    expect(explain({ baseline: base, snapshots, now: NOW, environment: 'production', key: 'PORT' }).application).toBe('api');
  });

  it('asks which application when several read the key there, and names them', () => {
    expect(() => explain({ baseline: base, snapshots, now: NOW, environment: 'staging', key: 'PORT' })).toThrow(AmbiguousApplicationError);
    expect(explain({ baseline: base, snapshots, now: NOW, environment: 'staging', key: 'PORT', application: 'worker' }).effective?.text).toBe('9090');
  });

  it('refuses an application nobody declares or runs, suggesting the closest', () => {
    expect(() => explain({ baseline: base, snapshots, now: NOW, environment: 'staging', key: 'PORT', application: 'workr' })).toThrow(
      new UnknownApplicationError('workr', 'worker').message,
    );
  });
});

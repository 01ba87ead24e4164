import { describe, expect, it } from 'vitest';
import { secretKeyOf, secretValueOf } from '../../../../lambdas/collect/secret-keys.js';
import { applyBaselineEdit } from '../../../../lambdas/engine/baseline/apply-baseline-edit.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline, Observation } from '../../../../lambdas/engine/model.js';
import { withSecretsDetected } from '../../../../lambdas/engine/secrets/detect-observations.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';
import { envVar, snapshot } from './builders.js';

const TEXT = `environments:
  staging: { tier: staging }
applications:
  api:
    settings:
      DB_CONN: { secret: true }
      PUBLIC_JWT: { secret: false }
`;

function parsed(): Baseline {
  const result = parseBaseline([{ name: 'baseline.yaml', text: TEXT }]);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.baseline;
}

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('Secrecy declared for one application', () => {
  it('withholds a key declared secret under applications.<app>.settings from snapshots and stored state', () => {
    expect(secretKeyOf(parsed())('DB_CONN')).toBe(true);
    expect(secretKeyOf(parsed())('OTHER')).toBe(false);
  });

  it('honours an application setting that opts its key out of detection by value', () => {
    const base = parsed();
    const observation: Observation = { ...envVar('PUBLIC_JWT', JWT), application: 'api' };
    const [detected] = withSecretsDetected([snapshot('staging', [observation])], base);
    expect(detected?.observations[0]?.value).toEqual({ kind: 'plain', value: JWT });
    expect(secretValueOf(base)(['PUBLIC_JWT'], JWT)).toBeUndefined();
    // Another application reading the same key has said nothing: its value stays withheld.
    const [elsewhere] = withSecretsDetected([snapshot('staging', [{ ...observation, application: 'web' }])], base);
    expect(elsewhere?.observations[0]?.value.kind).toBe('secret');
  });

  it('refuses to accept a value for an application secret, naming the application path', () => {
    const base = parsed();
    const files = [{ name: 'baseline.yaml', text: TEXT }];
    expect(() => applyBaselineEdit(files, base, { path: ['applications', 'api', 'settings', 'DB_CONN', 'value'], value: 'plain', op: 'set' })).toThrow(
      /DB_CONN is secret/,
    );
    expect(() =>
      applyBaselineEdit(files, base, { path: ['applications', 'api', 'settings', 'OTHER', 'value'], value: 'postgres://a:Hunter2x9@db/app', op: 'set' }),
    ).toThrow(/declare applications\.api\.settings\.OTHER\.secret: true/);
  });

  it('never expands a variable the baseline declares secret into another value, whatever its name', () => {
    const { observations } = kubernetesObjectsToObservations(
      [
        {
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'default' },
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'app',
                    env: [
                      { name: 'DB_CONN', value: 'plainvalue' },
                      { name: 'ARGS', value: '--db $(DB_CONN)' },
                    ],
                  },
                ],
              },
            },
          },
        },
      ],
      { secretKey: secretKeyOf(parsed()) },
    );
    expect(observations.find((o) => o.key === 'ARGS')?.value).toEqual({ kind: 'plain', value: '--db $(DB_CONN)' });
  });
});

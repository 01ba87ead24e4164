import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBaselineEdit } from '../../../../lambdas/engine/baseline/apply-baseline-edit.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import { file } from './positions.js';

const BASE = file(
  'baseline.yaml',
  `# yaml-language-server: $schema=../schema/baseline.schema.json
environments:
  staging-us:
    tier: staging      # pre-production
  production-eu:
    tier: production

settings:
  # Raised after INC-1203; see the runbook.
  DB_TIMEOUT:
    value: 10s          # shared
    environments: {production-eu: 60s}
  SIMPLE_KEY: "value"   # shorthand
  POOL_SIZE:
    value: 20
expected_differences:
  LOG_LEVEL:
    staging: debug
    production: warn   # quiet in production
`,
);

const COMMENTS = BASE.text.split('\n').filter((line) => line.includes('#'));

describe('Function: applyBaselineEdit (properties)', () => {
  it('any accepted value for any environment re-parses cleanly, reads back exactly, and keeps every comment', () => {
    const parsed = parseBaseline([BASE]);
    if (!parsed.ok) throw new Error('fixture must be valid');

    fc.assert(
      fc.property(
        fc.constantFrom('DB_TIMEOUT', 'SIMPLE_KEY', 'POOL_SIZE', 'LOG_LEVEL', 'NEW_KEY'),
        fc.constantFrom('staging-us', 'production-eu'),
        fc.option(
          fc.oneof(
            fc.string({ unit: 'grapheme', maxLength: 30 }),
            fc.constantFrom(
              '',
              'a: b',
              '# not a comment',
              'line1\nline2\n',
              ' padded ',
              'tab\there',
              'true',
              '20',
              '1.50',
              '~',
              'null',
              '- x',
              '{a}',
              "'q'",
              '"dq"',
            ),
          ),
          { nil: null },
        ),
        (key, environment, value) => {
          // Act
          const edited = applyBaselineEdit([BASE], parsed.baseline, {
            path: ['settings', key, 'environments', environment],
            value,
            op: 'set',
          });
          const reparsed = parseBaseline([edited]);

          // Assess
          expect(reparsed.ok).toBe(true);
          if (!reparsed.ok) return;
          expect(reparsed.baseline.settings.get(key)?.perEnvironment[environment]).toBe(value);
          for (const line of COMMENTS) {
            const comment = line.slice(line.indexOf('#'));
            expect(edited.text).toContain(comment);
          }
        },
      ),
      { numRuns: 200, seed: 20261001 },
    );
  });
});

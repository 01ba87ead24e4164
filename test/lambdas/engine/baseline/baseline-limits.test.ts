import { describe, expect, it } from 'vitest';
import type { BaselineIssue } from '../../../../lambdas/engine/baseline/baseline-issue.js';
import { BASELINE_LIMITS } from '../../../../lambdas/engine/baseline/baseline-limits.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import { at, file } from './positions.js';

const MiB = 1024 * 1024;
const ENVIRONMENTS = 'environments:\n  prod:\n    tier: production\n';

/** The issues of a baseline that must be refused. */
function refused(...files: { name: string; text: string }[]): BaselineIssue[] {
  const result = parseBaseline(files);
  expect(result.ok).toBe(false);
  return result.issues;
}

/** Where the `n`th (1-based) occurrence of `needle` is, as `at` gives it for a unique one. */
function nth(text: string, needle: string, n: number): { line: number; column: number } {
  let index = -1;
  for (let seen = 0; seen < n; seen += 1) index = text.indexOf(needle, index + 1);
  const before = text.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

describe('Function: parseBaseline, on hostile input', () => {
  describe('nesting', () => {
    it('refuses 2,000 nested block mappings with one located error at the first level past 64, without throwing', () => {
      // Prepare: each key one column further in than the one before.
      let text = ENVIRONMENTS;
      for (let level = 0; level < 2_000; level += 1) text += `${' '.repeat(level)}k${level}:\n`;
      const deep = file('deep.yaml', `${text}${' '.repeat(2_000)}v: 1\n`);

      // Act
      const issues = refused(deep);

      // Assess: the root mapping is level 1, k0's value level 2, ..., k63's value level 65.
      expect(issues).toEqual([
        {
          code: 'limit-exceeded',
          severity: 'error',
          ...at(deep, 'k64:'),
          path: '',
          message: `mappings and lists are nested 65 deep here; a baseline may nest them at most ${BASELINE_LIMITS.depth} deep`,
        },
      ]);
    });

    it('refuses 2,000 nested flow lists at the first bracket past the limit, and accepts 64 levels', () => {
      // Prepare: root mapping, ignore's list, then more lists.
      const deep = file('flow.yaml', `${ENVIRONMENTS}ignore: ${'['.repeat(2_000)}${']'.repeat(2_000)}\n`);
      const atLimit = file('ok.yaml', `${ENVIRONMENTS}ignore: ${'['.repeat(63)}${']'.repeat(63)}\n`);

      // Act
      const [issue, ...rest] = refused(deep);
      const limitAccepted = parseBaseline([atLimit]).issues;

      // Assess: the root mapping is level 1, the first bracket level 2, so the 64th bracket is level 65;
      // at 64 levels only the schema complains (a list is no ignore pattern).
      expect(rest).toEqual([]);
      expect(issue).toMatchObject({ code: 'limit-exceeded', ...at(deep, 'ignore: ', 8 + 63) });
      expect(limitAccepted.map((found) => found.code)).toEqual(['invalid-type']);
    });

    it('counts the levels an alias repeats where it is used', () => {
      // Prepare: an anchor 40 levels deep, repeated 30 levels down.
      const text = `${ENVIRONMENTS}x-deep: &deep ${'{a: '.repeat(39)}{a: 1}${'}'.repeat(39)}\nx-use: ${'{b: '.repeat(30)}*deep${'}'.repeat(30)}\n`;
      const aliased = file('aliased.yaml', text);

      // Act
      const issues = refused(aliased);

      // Assess: the alias sits in the root mapping and 30 more, and brings 40 levels.
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'limit-exceeded',
          ...at(aliased, '*deep'),
          message: `alias *deep repeats 40 levels of mappings and lists at depth 31, nesting them 71 deep; a baseline may nest them at most ${BASELINE_LIMITS.depth} deep`,
        }),
      ]);
    });
  });

  describe('aliases', () => {
    it('reports a self-referencing anchor at its alias, not as a stack overflow at 1:1', () => {
      // Prepare
      const looped = file('looped.yaml', `${ENVIRONMENTS}settings:\n  LOOP: &loop\n    description: *loop\n`);

      // Act
      const issues = refused(looped);

      // Assess
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'recursive-alias',
          ...at(looped, '*loop'),
          path: 'settings.LOOP.description',
          message: 'alias *loop is inside the node its anchor &loop names, so the data would contain itself; repeat the values instead',
        }),
      ]);
    });

    it('refuses a billion laughs at the alias that takes the count past 100, each alias counted with those it repeats', () => {
      // Prepare: nine levels of ten aliases each; level 2 alone would repeat level 1's ten aliases ten times.
      const ten = (alias: string) => `[${Array.from({ length: 10 }, () => alias).join(', ')}]`;
      let text = `${ENVIRONMENTS}x-lol0: &lol0 ${ten('lol')}\n`;
      for (let level = 1; level <= 9; level += 1) text += `x-lol${level}: &lol${level} ${ten(`*lol${level - 1}`)}\n`;
      const laughs = file('laughs.yaml', text);

      // Act
      const issues = refused(laughs);

      // Assess: level 1 brings 10; each *lol1 of level 2 brings 11 (itself and the 10 it repeats): 98 after 8, 109 at the 9th.
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'limit-exceeded',
          file: 'laughs.yaml',
          ...nth(text, '*lol1', 9),
          message: `alias *lol1 brings this file to 109 aliases (each counted with the aliases inside what it repeats); a baseline file may use at most ${BASELINE_LIMITS.aliases}`,
        }),
      ]);
    });

    it('accepts aliases the way baselines use them (one anchored block shared) and still refuses 101', () => {
      // Prepare
      const shared = `environments:
  production-us:
    tier: production
    precedence: &order [file, env, ssm]
  production-eu:
    tier: production
    precedence: *order
`;
      const hundredMore = `x-a: &a lol\nx-b: [${Array.from({ length: 100 }, () => '*a').join(', ')}]\n`;

      // Act
      const result = parseBaseline([file('shared.yaml', shared)]);
      const tooMany = refused(file('shared.yaml', `${shared}${hundredMore}`));

      // Assess: one alias is fine; *order and 100 more make 101, the 100th *a (at column 7 + 99 x 4) the one past.
      expect(result.ok && result.baseline.environments.map((environment) => environment.precedence)).toEqual([
        ['file', 'env', 'ssm'],
        ['file', 'env', 'ssm'],
      ]);
      expect(tooMany.map((issue) => `${issue.code} ${issue.line}:${issue.column}`)).toEqual([`limit-exceeded 9:${7 + 99 * 4}`]);
    });
  });

  describe('size', () => {
    it('refuses a file over 5 MiB by its UTF-8 bytes, before parsing it', () => {
      // Prepare: 2.5 million two-byte characters: half the limit in characters, over it in bytes.
      const big = file('big.yaml', `# ${'é'.repeat(2.5 * MiB)}\n`);

      // Act
      const issues = refused(file('environments.yaml', ENVIRONMENTS), big);

      // Assess
      expect(issues).toEqual([
        {
          code: 'limit-exceeded',
          severity: 'error',
          file: 'big.yaml',
          line: 1,
          column: 1,
          path: '',
          message: 'the file is 5,242,883 bytes (5.0 MiB); a baseline file may be at most 5 MiB',
        },
      ]);
    });

    it('refuses the file that takes all the files together past 10 MiB', () => {
      // Prepare: three files of 4 MiB of comments, each one within the file limit.
      const comments = `${'#'.repeat(4 * MiB - 1)}\n`;
      const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((name) => file(name, comments));

      // Act
      const issues = refused(...files);

      // Assess
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'limit-exceeded',
          file: 'c.yaml',
          line: 1,
          column: 1,
          message: 'with this file the baseline is 12,582,912 bytes (12 MiB); all its files together may be at most 10 MiB',
        }),
      ]);
    });

    it('refuses more YAML nodes than the limit, counted across files, at the node that passes it', () => {
      // Prepare: a.yaml holds 7 nodes (environments, :, prod, :, tier, :, production); b.yaml 3 + 199,995
      // (ignore, :, [ and the patterns): within the limit alone, past it after a.yaml.
      const first = file('a.yaml', ENVIRONMENTS);
      const second = file('b.yaml', `ignore: [${Array.from({ length: 199_995 }, () => 'a').join(', ')}]\n`);

      // Act
      const issues = refused(first, second);

      // Assess: node 200,001 is b.yaml's node 199,994, its pattern 199,991, at column 10 + 199,990 * 3.
      expect(issues).toEqual([
        {
          code: 'limit-exceeded',
          severity: 'error',
          file: 'b.yaml',
          line: 1,
          column: 599_980,
          path: '',
          message: 'the baseline passes 200,000 YAML nodes (keys, values and list items, all its files together) here; a baseline may hold at most 200,000',
        },
      ]);
    });
  });

  describe('keys', () => {
    it('reports a key written twice in one mapping, even when the two are spelled 1 and "1", naming the first', () => {
      // Prepare
      const twice = file('twice.yaml', `${ENVIRONMENTS}expected_differences:\n  "1": { prod: a }\n  1: { prod: b }\n`);

      // Act
      const issues = refused(twice);

      // Assess
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'duplicate-key',
          ...at(twice, '1: { prod: b }'),
          path: 'expected_differences.1',
          message: 'key "1" is declared twice in this mapping',
          related: [at(twice, '"1"')],
        }),
      ]);
    });
  });

  describe('ignore patterns', () => {
    it('reads an ignore pattern with a hyphen instead of throwing from the regular expression compiler', () => {
      // Prepare
      const ignore = file('ignore.yaml', `${ENVIRONMENTS}ignore: [FEATURE-*, x-request-id]\n`);

      // Act
      const result = parseBaseline([ignore]);

      // Assess
      expect(result.ok && result.baseline.ignore).toEqual(['FEATURE-*', 'x-request-id']);
    });
  });
});

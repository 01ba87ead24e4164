/**
 * Pattern benchmark: how long one constraint check takes for the catastrophic pattern `^(a+)+$`
 * against `a` repeated n times and a final `!` (a live value anyone can set), with the engine's
 * matcher (RE2, via `compileConstraints`) beside JavaScript's backtracking `RegExp`. The backtracking
 * column stops early: every character more doubles it.
 *
 * `npx tsx bench/pattern-bench.ts` prints the table; `npm run bench` (bench/run.ts) calls
 * {@link runPatternBench}.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { compileConstraints } from '../lambdas/engine/analyse/check-constraints.js';

/** One value length and how long each engine took to reject it. */
export interface PatternBenchRow {
  readonly length: number;
  /** Best of three, in milliseconds. */
  readonly re2Ms: number;
  /** Undefined where it was not run (it would take too long). */
  readonly backtrackingMs?: number;
}

const EVIL = '^(a+)+$';

/** Measures both engines for each length; backtracking only up to `backtrackingUpTo` characters. */
export function runPatternBench(options: { readonly lengths?: readonly number[]; readonly backtrackingUpTo?: number } = {}): PatternBenchRow[] {
  const lengths = options.lengths ?? [20, 22, 24, 26, 40, 1_000, 100_000];
  const backtrackingUpTo = options.backtrackingUpTo ?? 26;
  const native = new RegExp(`^(?:${EVIL})$`);
  return lengths.map((length) => {
    const value = `${'a'.repeat(length)}!`;
    // A fresh checker each time: the checker remembers its last answer.
    const re2Ms = best(() => {
      if (compileConstraints({ pattern: EVIL }).violation(value) === undefined) throw new Error('the value must be rejected');
    });
    if (length > backtrackingUpTo) return { length, re2Ms };
    return { length, re2Ms, backtrackingMs: best(() => void native.test(value)) };
  });
}

/** The table `npm run bench` prints. */
export function formatPatternBench(rows: readonly PatternBenchRow[]): string {
  const lines = [`== constraint pattern ${EVIL} against "a" x n + "!" ==`, 'n          RE2 (engine)   backtracking RegExp'];
  for (const row of rows) {
    const backtracking = row.backtrackingMs === undefined ? '(not run: doubles per character)' : `${row.backtrackingMs.toFixed(1)} ms`;
    lines.push(`${String(row.length).padEnd(10)} ${`${row.re2Ms.toFixed(2)} ms`.padEnd(14)} ${backtracking}`);
  }
  return lines.join('\n');
}

function best(run: () => void): number {
  let fastest = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatPatternBench(runPatternBench()));
}

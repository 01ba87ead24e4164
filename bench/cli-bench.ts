/**
 * What the CLI costs a person at a terminal: start-up (`--version`, `--help`: node, the bundle and
 * commander), the demo scan in both layouts (time and lines), and rendering a large audit.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Finding } from '../lambdas/engine/model.js';
import { renderTerminal } from '../lambdas/sinks/report/render-terminal.js';
import type { ReportInput } from '../lambdas/sinks/report/report-input.js';

/** The figures of one run. */
export interface CliBenchFigures {
  readonly versionMs: number;
  readonly helpMs: number;
  readonly demo: { readonly layout: string; readonly ms: number; readonly lines: number; readonly verdictLine: number }[];
  readonly render: {
    readonly findings: number;
    readonly fullMs: number;
    readonly fullLines: number;
    readonly compactMs: number;
    readonly compactLines: number;
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median wall time of `runs` runs of the built CLI, and the last run's stdout. */
function timeCli(args: string[], runs: number): { ms: number; stdout: string } {
  const times: number[] = [];
  let stdout = '';
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    const result = spawnSync(process.execPath, ['dist/drift-audit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    times.push(performance.now() - start);
    stdout = result.stdout;
  }
  return { ms: median(times), stdout };
}

function syntheticInput(count: number): ReportInput {
  const environments = Array.from({ length: 20 }, (_, i) => `production-r${String(i).padStart(2, '0')}`);
  const findings: Finding[] = Array.from({ length: count }, (_, i) => {
    const environment = environments[i % environments.length] as string;
    const key = `SETTING_${Math.floor(i / environments.length)}`;
    return {
      id: `changed:${environment}:${key}`,
      type: 'changed',
      severity: (['critical', 'high', 'medium', 'low', 'info'] as const)[i % 5] as Finding['severity'],
      environment,
      key,
      expected: { text: '30', secret: false },
      actual: { text: String(60 + (i % 7)), secret: false },
      message: `${key} is ${60 + (i % 7)} in ${environment}, the baseline expects 30; changed by kubectl-edit outside the pipeline`,
      provenance: [],
      fixes: { revert: { summary: `Set ${key} to 30 in ${environment}`, command: `kubectl -n api set env deployment/api ${key}=30` } },
    };
  });
  return {
    result: {
      findings,
      completeEnvironments: environments,
      partialEnvironments: [],
      status: 'ok',
      counts: { changed: count } as ReportInput['result']['counts'],
    },
    generatedAt: '2026-11-23T12:00:00Z',
    environments: environments.map((name) => ({ name, tier: 'production' })),
    sources: [],
  };
}

/** Runs the scenario; the CLI must be built (`npm run build`). */
export function runCliBench(options: { readonly runs?: number; readonly findings?: number } = {}): CliBenchFigures {
  const runs = options.runs ?? 9;
  const demoArgs = ['scan', 'config', '--snapshots', 'config/snapshots', '--now', '2026-11-23T12:00:00Z'];
  const demo = [
    ['full', []],
    ['compact', ['--compact']],
  ].map(([layout, extra]) => {
    const { ms, stdout } = timeCli([...demoArgs, ...(extra as string[])], runs);
    const lines = stdout.trimEnd().split('\n');
    return {
      layout: layout as string,
      ms,
      lines: lines.length,
      verdictLine: lines.findIndex((line) => /^(Drift found|No drift|Incomplete audit)/.test(line)) + 1,
    };
  });
  const input = syntheticInput(options.findings ?? 5_000);
  let start = performance.now();
  const full = renderTerminal(input, { color: false });
  const fullMs = performance.now() - start;
  start = performance.now();
  const compact = renderTerminal(input, { color: false, compact: true });
  const compactMs = performance.now() - start;
  return {
    versionMs: timeCli(['--version'], runs).ms,
    helpMs: timeCli(['scan', '--help'], runs).ms,
    demo,
    render: {
      findings: input.result.findings.length,
      fullMs,
      fullLines: full.split('\n').length,
      compactMs,
      compactLines: compact.split('\n').length,
    },
  };
}

/** The figures as the table `npm run bench` prints. */
export function formatCliBench(figures: CliBenchFigures): string {
  const lines = [
    '== cli: start-up, the demo scan, rendering a large audit ==',
    `start-up            --version ${figures.versionMs.toFixed(0)} ms, scan --help ${figures.helpMs.toFixed(0)} ms (median, node + bundle + commander)`,
    ...figures.demo.map(
      (run) => `demo scan ${run.layout.padEnd(9)} ${run.ms.toFixed(0)} ms, ${run.lines} lines, verdict on line ${run.verdictLine} (and the last)`,
    ),
    `render ${figures.render.findings.toLocaleString('en')} findings  full ${figures.render.fullMs.toFixed(0)} ms (${figures.render.fullLines.toLocaleString('en')} lines), ` +
      `compact ${figures.render.compactMs.toFixed(0)} ms (${figures.render.compactLines.toLocaleString('en')} lines)`,
  ];
  return lines.join('\n');
}

/**
 * The estate report's cost on a large estate: building the keys x environments matrix (it groups
 * every observation of every environment once more) and rendering the HTML page from it. The matrix
 * is bounded (`DEFAULT_MATRIX_ROWS`), so the page stays a size a browser opens however large the
 * estate; this prints how long the bound takes to reach and how big the page is.
 */
import { performance } from 'node:perf_hooks';
import { analyse } from '../lambdas/engine/analyse/analyse.js';
import { DEFAULT_MATRIX_ROWS, estateMatrix } from '../lambdas/engine/analyse/estate-matrix.js';
import { renderHtml } from '../lambdas/sinks/report/render-html.js';
import { buildEstate } from './engine-bench.js';

/** What one run of the estate report bench measured. */
export interface EstateReportFigures {
  readonly keys: number;
  readonly environments: number;
  readonly findings: number;
  readonly matrixMs: number;
  readonly rows: number;
  readonly omittedRows: number;
  readonly renderMs: number;
  readonly pageBytes: number;
}

/** Builds the engine bench's synthetic estate (no workloads), analyses it, then times matrix and page. */
export function runEstateReportBench(options: { keys: number; environments: number }): EstateReportFigures {
  const estate = buildEstate({ keys: options.keys, environments: options.environments, driftRatio: 0.01, workloads: 0 });
  const now = new Date('2026-11-23T12:00:00Z');
  const result = analyse({ baseline: estate.baseline, snapshots: estate.snapshots, now });
  const matrixStart = performance.now();
  const matrix = estateMatrix({ baseline: estate.baseline, snapshots: estate.snapshots, result });
  const matrixMs = performance.now() - matrixStart;
  const renderStart = performance.now();
  const html = renderHtml({
    result,
    generatedAt: now.toISOString(),
    environments: estate.baseline.environments.map((e) => ({ name: e.name, tier: e.tier, ...(e.region === undefined ? {} : { region: e.region }) })),
    sources: estate.snapshots.flatMap((s) => s.sources),
    matrix,
  });
  const renderMs = performance.now() - renderStart;
  return {
    keys: options.keys,
    environments: options.environments,
    findings: result.findings.length,
    matrixMs,
    rows: matrix.rows.length,
    omittedRows: matrix.omittedRows,
    renderMs,
    pageBytes: Buffer.byteLength(html),
  };
}

/** The figures as the table `npm run bench` prints. */
export function formatEstateReportBench(f: EstateReportFigures): string {
  return [
    `== estate report: ${f.keys.toLocaleString('en')} keys x ${f.environments} environments, ${f.findings.toLocaleString('en')} findings ==`,
    `matrix              ${f.matrixMs.toFixed(0)} ms, ${f.rows.toLocaleString('en')} rows kept (bound ${DEFAULT_MATRIX_ROWS.toLocaleString('en')}), ${f.omittedRows.toLocaleString('en')} left out`,
    `HTML render         ${f.renderMs.toFixed(0)} ms, ${(f.pageBytes / 1_048_576).toFixed(1)} MB page`,
  ].join('\n');
}

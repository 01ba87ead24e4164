/**
 * The keys x environments section of the HTML report: effective values, declared differences
 * marked apart from drift, secrets masked, unread sources as unknown.
 */
import type { EstateMatrix, MatrixCell, MatrixColumn, MatrixRow } from '../../engine/analyse/estate-matrix.js';
import { FINDING_TYPES, type Finding } from '../../engine/model.js';
import { escapeHtml as esc } from './escape.js';
import { plural } from './report-view.js';
import { shownText } from './shown-value.js';

const STATE_LABEL: Readonly<Record<MatrixCell['state'], string>> = {
  ok: 'as declared',
  declared: 'declared difference',
  drift: 'drift',
  absent: 'absent',
  unknown: 'unknown: a source that may hold or override it was not read',
};

function cellHtml(cell: MatrixCell | undefined, column: MatrixColumn): string {
  const attrs = `data-col="${esc(column.environment)}" data-col-region="${esc(column.region ?? '')}"`;
  if (cell === undefined) return `<td class="m-unknown" ${attrs}>unknown</td>`;
  const classes = [`m-${cell.state}`];
  if (cell.severity !== undefined) classes.push(`sev-${cell.severity}`);
  if (cell.state === 'drift' && cell.declaredDifference) classes.push('decl');
  const value = cell.value === undefined ? undefined : shownText(cell.value);
  const text = value ?? (cell.state === 'unknown' ? 'unknown' : 'absent');
  const title = [
    cell.state === 'drift' && cell.severity !== undefined ? `${cell.severity} drift` : STATE_LABEL[cell.state],
    ...(cell.expected === undefined ? [] : [`${cell.declaredDifference ? 'declared here' : 'declared'}: ${shownText(cell.expected)}`]),
    ...(cell.layer === undefined ? [] : [`from ${cell.layer}`]),
    ...cell.findingIds,
  ].join('\n');
  const body = cell.value?.secret === true ? `<span class="secret">${esc(text)}</span>` : esc(text);
  return `<td class="${classes.join(' ')}" ${attrs} title="${esc(title)}">${body}</td>`;
}

function rowHtml(row: MatrixRow, columns: readonly MatrixColumn[], typesOf: (row: MatrixRow) => string[]): string {
  const cells = columns.map((column) => row.cells[column.environment]);
  const sevs = [...new Set(cells.flatMap((c) => (c?.severity === undefined ? [] : [c.severity])))];
  return (
    `<tr class="mrow" data-differing="${row.differing}" data-sevs="${sevs.join(' ')}" data-types="${typesOf(row).join(' ')}">` +
    `<th class="k" scope="row" title="${esc(row.application === undefined ? row.key : `${row.application} · ${row.key}`)}"><code>${esc(row.key)}</code></th>` +
    `${columns.map((column) => cellHtml(row.cells[column.environment], column)).join('')}</tr>`
  );
}

/** Rows by application, in the matrix's order: one heading row per application instead of one label per key. */
function groups(rows: readonly MatrixRow[]): { application: string | undefined; rows: MatrixRow[] }[] {
  const out: { application: string | undefined; rows: MatrixRow[] }[] = [];
  for (const row of rows) {
    const last = out.at(-1);
    if (last !== undefined && last.application === row.application) last.rows.push(row);
    else out.push({ application: row.application, rows: [row] });
  }
  return out;
}

/**
 * The matrix section; empty when there is no matrix. `findings` tell each row which finding types
 * it shows (for the type filter); the finding ids in the cells are theirs.
 */
export function matrixHtml(matrix: EstateMatrix | undefined, findings: readonly Finding[]): string {
  if (matrix === undefined || matrix.rows.length === 0) return '';
  const typeById = new Map(findings.map((f) => [f.id, f.type]));
  const typesOf = (row: MatrixRow): string[] => {
    const types = new Set(Object.values(row.cells).flatMap((c) => c.findingIds.map((id) => typeById.get(id) ?? '')));
    return FINDING_TYPES.filter((t) => types.has(t));
  };
  const head = matrix.columns
    .map(
      (c) =>
        `<th scope="col" data-col="${esc(c.environment)}" data-col-region="${esc(c.region ?? '')}">${esc(c.environment)}<small>${esc([c.tier, c.region].filter((x) => x !== undefined).join(' · '))}</small></th>`,
    )
    .join('');
  const differing = matrix.rows.filter((r) => r.differing).length;
  const omitted = matrix.omittedRows > 0 ? ` · ${plural(matrix.omittedRows, 'key')} the same everywhere left out` : '';
  return [
    `<section class="matrix" id="matrix"><h2>Keys × environments <small>${esc(`${plural(matrix.rows.length, 'key')}, ${differing} not the same everywhere${omitted}`)}</small></h2>`,
    '<p class="legend"><span class="m-drift">■ drift</span><span class="m-declared">≠ declared difference</span>' +
      '<span><em>unknown</em>: source not read</span><span>absent: no source holds it</span><span><em>[secret]</em>: never shown</span></p>',
    `<div class="scroller" tabindex="0" role="region" aria-label="Keys by environment"><table class="matrix"><thead><tr><th class="k" scope="col">Key</th>${head}</tr></thead>`,
    `${groups(matrix.rows)
      .map(
        ({ application, rows }) =>
          `<tbody data-app="${esc(application ?? '')}">${application === undefined ? '' : `<tr class="app"><th class="k" scope="rowgroup">${esc(application)}</th><td colspan="${matrix.columns.length}"></td></tr>`}` +
          `${rows.map((row) => rowHtml(row, matrix.columns, typesOf)).join('\n')}</tbody>`,
      )
      .join('\n')}</table></div>`,
    '</section>',
  ].join('\n');
}

import {
  FINDING_TYPES,
  type Finding,
  type Fix,
  type Provenance,
  type Severity,
  type ShownValue,
  type SourceStatus,
  type Transition,
} from '../../engine/model.js';
import { escapeHtml as esc } from './escape.js';
import { formatBaselineEdit } from './format-baseline-edit.js';
import { formatProvenance } from './format-provenance.js';
import { CSP, SCRIPT, STYLE } from './html-assets.js';
import { matrixHtml } from './render-html-matrix.js';
import { timelineHtml } from './render-html-timeline.js';
import type { ReportInput } from './report-input.js';
import { SEVERITIES_WORST_FIRST, describeCounts, plural, summarySentence, toReportView } from './report-view.js';
import type { EnvironmentView, ReportView } from './report-view.js';
import { shownText } from './shown-value.js';

function value(v: ShownValue | undefined, missing: string): string {
  if (v === undefined) return `<span class="muted">${esc(missing)}</span>`;
  return v.secret ? `<code class="secret" title="secret: never shown">${esc(shownText(v))}</code>` : `<code>${esc(shownText(v))}</code>`;
}

function provenanceItem(p: Provenance, effective: boolean): string {
  const text = formatProvenance(p, {
    dateStyle: 'iso',
    detailed: true,
    literal: (t) => `<code>${esc(t)}</code>`,
    prose: esc,
    outOfBand: (t) => `<span class="oob">${t}</span>`,
  });
  return `<li>${effective ? '<strong>effective</strong> ' : ''}${text}</li>`;
}

function fixHtml(label: string, fix: Fix): string {
  const parts = [`<div class="fix"><h4>${label}</h4><p>${esc(fix.summary)}</p>`];
  if (fix.baselineEdit !== undefined) parts.push(`<pre><code>${esc(formatBaselineEdit(fix.baselineEdit))}</code></pre>`);
  if (fix.command !== undefined) parts.push(`<pre><code>${esc(fix.command)}</code></pre>`);
  parts.push('</div>');
  return parts.join('');
}

function transitionTag(t: Transition | undefined): string {
  if (t === undefined || t.kind === 'resolved') return '';
  const since = t.kind === 'opened' ? '' : `, open since ${t.firstSeen.slice(0, 10)}`;
  const from = t.kind === 'escalated' && t.previous !== undefined ? ` from ${t.previous.severity}` : '';
  const label = t.kind === 'opened' ? 'new' : t.kind;
  return `<span class="tag">${esc(`${label}${from}${since}`)}</span>`;
}

function findingHtml(f: Finding, transition: Transition | undefined): string {
  // Collapsed to one summary line: 17 findings read as a list, each opens to its evidence and fixes.
  const out = [
    `<article class="finding sev-${f.severity}" id="${esc(`finding-${f.id}`)}" data-severity="${f.severity}" data-env="${esc(f.environment)}" data-type="${esc(f.type)}" data-region="${esc(f.region ?? '')}">`,
    `<details><summary><span class="sev">${f.severity}</span><span class="type">${esc(f.type)}</span><code class="key">${esc(f.key)}</code>${transitionTag(transition)}`,
    `<span class="msg">${esc(f.message)}</span></summary>`,
  ];
  const facts: string[] = [];
  if (f.expected !== undefined || f.actual !== undefined) {
    facts.push(`<dt>Expected</dt><dd>${value(f.expected, 'not declared')}</dd>`);
    facts.push(`<dt>Actual</dt><dd>${value(f.actual, 'absent')}</dd>`);
  }
  if (f.comparedWith !== undefined) {
    const pairs = Object.keys(f.comparedWith)
      .sort()
      .map((env) => `${esc(env)} ${value(f.comparedWith?.[env], 'absent')}`);
    facts.push(`<dt>Compared with</dt><dd>${pairs.join(' · ')}</dd>`);
  }
  facts.push(`<dt>Id</dt><dd><code>${esc(f.id)}</code></dd>`);
  out.push(`<dl>${facts.join('')}</dl>`);
  if (f.provenance.length > 0) {
    out.push(`<ul class="prov">${f.provenance.map((p, i) => provenanceItem(p, i === 0 && f.provenance.length > 1)).join('')}</ul>`);
  }
  if (f.fixes.revert !== undefined) out.push(fixHtml('Revert', f.fixes.revert));
  if (f.fixes.accept !== undefined) out.push(fixHtml('Accept', f.fixes.accept));
  out.push('</details></article>');
  return out.join('\n');
}

function environmentHtml(env: EnvironmentView, view: ReportView): string {
  const facts = [env.tier, env.region, env.account].filter((f): f is string => f !== undefined);
  const partial = env.complete ? '' : ' <span class="c-medium">partial: keys absent here are unknown, not missing</span>';
  return [
    `<section class="env" data-env="${esc(env.name)}">`,
    `<h3>${esc(env.name)} <small>${esc(facts.join(' · '))} · ${esc(describeCounts(env.counts, env.findings.length))}</small>${partial}</h3>`,
    ...env.findings.map((f) => findingHtml(f, view.transitionsByFinding.get(f.id))),
    '</section>',
  ].join('\n');
}

function bannerHtml(view: ReportView): string {
  const sentence = esc(summarySentence(view));
  if (view.status !== 'partial') {
    return `<div class="banner ${view.findingCount === 0 ? 'ok' : 'drift'}"><strong>${sentence}</strong></div>`;
  }
  const failed = view.failedSources.map((s) => {
    const reason = s.error === undefined ? 'unknown error' : `${s.error.code}: ${s.error.message}`;
    return `<li><code>${esc(s.id)}</code>: ${esc(reason)}</li>`;
  });
  return `<div class="banner partial"><strong>${sentence}</strong>${failed.length > 0 ? `<ul>${failed.join('')}</ul>` : ''}</div>`;
}

/** Severity headings at phone width, where five full words do not fit beside the environment names. */
const SHORT: Readonly<Record<Severity, string>> = { critical: 'crit', high: 'high', medium: 'med', low: 'low', info: 'info' };

function summaryTable(view: ReportView): string {
  const head = `<tr><th>Environment</th><th class="opt">Tier</th><th class="opt">Region</th>${SEVERITIES_WORST_FIRST.map((s) => `<th class="n c-${s}" title="${s}"><span class="lg">${s}</span><span class="sm">${SHORT[s]}</span></th>`).join('')}<th class="opt">Sources</th></tr>`;
  const rows = view.environments.map((env) => {
    const cells = SEVERITIES_WORST_FIRST.map((s) => `<td class="n${env.counts[s] === 0 ? ' zero' : ''}">${env.counts[s]}</td>`);
    const state = env.complete ? 'all read' : '<span class="c-medium">partial</span>';
    return `<tr><td>${esc(env.name)}</td><td class="opt">${esc(env.tier)}</td><td class="opt">${esc(env.region ?? '')}</td>${cells.join('')}<td class="opt">${state}</td></tr>`;
  });
  const totals = SEVERITIES_WORST_FIRST.map((s) => `<th class="n">${view.totals[s]}</th>`).join('');
  return `<table class="summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody><tfoot><tr><th>Total</th><th class="opt"></th><th class="opt"></th>${totals}<th class="opt"></th></tr></tfoot></table>`;
}

function selectHtml(name: string, label: string, all: string, values: readonly string[]): string {
  const options = values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('');
  return `<select name="${name}" aria-label="${esc(label)}"><option value="">${esc(all)}</option>${options}</select>`;
}

function filtersHtml(view: ReportView, input: ReportInput): string {
  const hasMatrix = input.matrix !== undefined && input.matrix.rows.length > 0;
  const hasTimeline = input.timeline !== undefined && input.timeline.regions.length > 0;
  if (view.findingCount === 0 && !hasMatrix && !hasTimeline) return '';
  const boxes = SEVERITIES_WORST_FIRST.map((s) => `<label class="c-${s}"><input type="checkbox" data-sev="${s}" checked> ${s}</label>`).join('');
  const types = new Set<string>([...input.result.findings.map((f) => f.type), ...(input.timeline?.regions.flatMap((r) => r.entries.map((e) => e.type)) ?? [])]);
  const regions = new Set<string>([
    ...view.environments.flatMap((e) => (e.region === undefined ? [] : [e.region])),
    ...input.result.findings.flatMap((f) => (f.region === undefined ? [] : [f.region])),
    ...(input.timeline?.regions.map((r) => r.region) ?? []),
  ]);
  const environments = view.environments.filter((e) => !e.name.includes('+')).map((e) => e.name);
  const rows = hasMatrix
    ? '<select name="rows" aria-label="Matrix rows"><option value="">keys that differ</option><option value="all">all keys</option></select>'
    : '';
  return (
    `<nav class="filters" hidden aria-label="Filter the report">${boxes}` +
    selectHtml(
      'type',
      'Finding type',
      'all types',
      FINDING_TYPES.filter((t) => types.has(t)),
    ) +
    selectHtml('env', 'Environment', 'all environments', [...environments].sort()) +
    selectHtml('region', 'Region', 'all regions', [...regions].sort()) +
    rows +
    `<input type="search" placeholder="Filter by key, value, source…" aria-label="Search the report">` +
    `<span class="count muted"></span></nav>`
  );
}

function resolvedHtml(resolved: readonly Transition[]): string {
  if (resolved.length === 0) return '';
  const items = resolved.map((t) => {
    const f = t.finding;
    return `<li>${esc(f.type)} <code>${esc(f.key)}</code> in ${esc(f.environment)} <span class="muted">(was ${f.severity}, open since ${esc(t.firstSeen.slice(0, 10))})</span></li>`;
  });
  return `<section class="resolved"><h2>Resolved <small>${resolved.length}</small></h2><ul>${items.join('')}</ul></section>`;
}

function sourcesHtml(sources: readonly SourceStatus[]): string {
  const sorted = [...sources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows = sorted.map((s) => {
    const notes = [
      ...(s.error === undefined ? [] : [`<span class="c-high">${esc(`${s.error.code}: ${s.error.message}`)}</span>`]),
      ...(s.warnings ?? []).map((w) => esc(w)),
    ];
    const state = s.status === 'ok' ? '<span class="c-ok">ok</span>' : '<span class="c-high">error</span>';
    return `<tr><td><code>${esc(s.id)}</code></td><td>${esc(s.layers.join(', '))}</td><td class="n">${s.itemCount}</td><td>${state}</td><td>${notes.join('<br>')}</td></tr>`;
  });
  // Open when a source failed: that is what the reader must see; a clean list stays one line.
  const failed = sorted.some((s) => s.status !== 'ok');
  return (
    `<section class="sources"><details${failed ? ' open' : ''}><summary><h2>Sources <small>${plural(sorted.length, 'source')}, ${sorted.filter((s) => s.status === 'ok').length} read</small></h2></summary>` +
    `<table class="sources"><thead><tr><th>Source</th><th>Layers</th><th class="n">Items</th><th>Status</th><th>Notes</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></details></section>`
  );
}

/**
 * The report as one self-contained HTML page, the estate report: the Lambda stores it in S3 and
 * alerts link to it; `drift-audit scan --html FILE` and `drift-audit report` write it.
 *
 * Summary first; then, when the input carries them, the keys x environments matrix and the per-region
 * timeline; then one collapsed line per finding. Inline CSS (light and dark, down to phone width), no
 * external asset, and a small inline script that filters by severity, type, environment, region and
 * text and keeps the filters in the URL fragment; without it the page reads in full. Every value is escaped, and a
 * Content-Security-Policy allowing only this page's own style and script (by hash) makes an escaping
 * slip inert. Serve it with `Content-Type: text/html; charset=utf-8`. Deterministic bytes for one input.
 */
export function renderHtml(input: ReportInput): string {
  const view = toReportView(input);
  const verdict = view.status === 'partial' ? 'incomplete audit' : view.findingCount === 0 ? 'no drift' : plural(view.findingCount, 'finding');
  const meta = [`Generated <time datetime="${esc(input.generatedAt)}">${esc(input.generatedAt)}</time>`];
  if (input.baselineVersion !== undefined) meta.push(`baseline <code>${esc(input.baselineVersion)}</code>`);
  meta.push(`${view.sourcesRead} of ${plural(view.sourcesTotal, 'source')} read`);
  const body = [
    '<header>',
    '<h1>drift-audit report</h1>',
    `<p class="meta">${meta.join(' · ')}</p>`,
    bannerHtml(view),
    summaryTable(view),
    '</header>',
    '<main>',
    filtersHtml(view, input),
    matrixHtml(input.matrix, input.result.findings),
    timelineHtml(input.timeline),
    view.findingCount === 0 ? '' : `<h2 id="findings">Findings <small>${esc(describeCounts(view.totals, view.findingCount))}</small></h2>`,
    ...view.environments.filter((e) => e.findings.length > 0).map((e) => environmentHtml(e, view)),
    resolvedHtml(view.resolved),
    sourcesHtml(input.sources),
    '</main>',
    `<footer>${esc(summarySentence(view))}</footer>`,
  ].filter((part) => part.length > 0);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`drift-audit: ${verdict} · ${input.generatedAt}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

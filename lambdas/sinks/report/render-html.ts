import { createHash } from 'node:crypto';
import type { Finding, Fix, Provenance, ShownValue, SourceStatus, Transition } from '../../engine/model.js';
import { escapeHtml as esc } from './escape.js';
import { formatBaselineEdit } from './format-baseline-edit.js';
import { formatProvenance } from './format-provenance.js';
import type { ReportInput } from './report-input.js';
import { SEVERITIES_WORST_FIRST, describeCounts, plural, summarySentence, toReportView } from './report-view.js';
import type { EnvironmentView, ReportView } from './report-view.js';
import { shownText } from './shown-value.js';

const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;--code:#eff2f5;
--critical:#a40e26;--high:#d1242f;--medium:#9a6700;--low:#0969da;--info:#59636e;--ok:#1a7f37;--warn:#9a6700}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#151b23;--line:#3d444d;
--code:#262c36;--critical:#ff7b72;--high:#f85149;--medium:#d29922;--low:#4493f8;--info:#9198a1;--ok:#3fb950;--warn:#d29922}}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0 auto;max-width:72rem;padding:1.5rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h2 small{color:var(--muted);font-weight:400}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:4px}
code{padding:.1em .3em;overflow-wrap:anywhere}pre{padding:.5rem .75rem;overflow-x:auto;margin:.25rem 0 .5rem}pre code{padding:0;background:none}
.meta,.muted{color:var(--muted)}
.banner{border:1px solid var(--line);border-left:4px solid var(--ok);border-radius:6px;padding:.75rem 1rem;margin:1rem 0;background:var(--card)}
.banner.partial{border-left-color:var(--warn)}.banner.drift{border-left-color:var(--high)}.banner ul{margin:.5rem 0 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.zero{color:var(--muted)}
.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0;padding:.5rem .75rem;background:var(--card);border-radius:6px}
.filters input[type=search]{flex:1;min-width:12rem;padding:.3rem .5rem;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
.filters select{padding:.3rem;background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:4px}
.finding{border:1px solid var(--line);border-left:4px solid var(--info);border-radius:6px;padding:.75rem 1rem;margin:.75rem 0;background:var(--card)}
.finding>header{display:flex;flex-wrap:wrap;gap:.5rem;align-items:baseline}
.sev{font-weight:700;text-transform:uppercase;font-size:.8rem;letter-spacing:.04em}
.type{color:var(--muted)}.tag{font-size:.8rem;border:1px solid var(--line);border-radius:1rem;padding:0 .5rem}
.key{font-weight:600}.msg{margin:.4rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .75rem;margin:.4rem 0}dt{color:var(--muted)}dd{margin:0}
.secret{font-style:italic}.oob{color:var(--warn);font-weight:600}
ul.prov{margin:.25rem 0;padding-left:1.2rem}.fix h3{font-size:.9rem;margin:.6rem 0 .1rem}.fix p{margin:0}
${SEVERITIES_WORST_FIRST.map((s) => `.sev-${s}{border-left-color:var(--${s})}.sev-${s} .sev,.c-${s}{color:var(--${s})}`).join('\n')}
footer{margin-top:2rem;padding-top:.75rem;border-top:1px solid var(--line);font-weight:600}
@media print{.filters{display:none!important}.finding{break-inside:avoid}}
`;

/** Filtering by severity, environment and text; the report reads in full without it. */
const SCRIPT = `
(() => {
  const nav = document.querySelector('.filters');
  if (!nav) return;
  nav.hidden = false;
  const boxes = [...nav.querySelectorAll('input[data-sev]')];
  const env = nav.querySelector('select');
  const search = nav.querySelector('input[type=search]');
  const count = nav.querySelector('.count');
  const cards = [...document.querySelectorAll('article.finding')];
  const apply = () => {
    const severities = new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.sev));
    const text = search.value.trim().toLowerCase();
    let shown = 0;
    for (const card of cards) {
      const visible = severities.has(card.dataset.severity) && (!env.value || card.dataset.env === env.value) &&
        (!text || card.textContent.toLowerCase().includes(text));
      card.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const section of document.querySelectorAll('section.env')) {
      section.hidden = !section.querySelector('article.finding:not([hidden])');
    }
    count.textContent = shown + ' of ' + cards.length + ' findings shown';
  };
  nav.addEventListener('input', apply);
  apply();
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Nothing but this page's own style and script may run, even if a value slipped past escaping; no
 * request leaves the page (no fonts, images or beacons), so the report works offline and leaks nothing.
 */
const CSP = [
  "default-src 'none'",
  `style-src ${sha256(STYLE)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

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
  const parts = [`<div class="fix"><h3>${label}</h3><p>${esc(fix.summary)}</p>`];
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
  const out = [
    `<article class="finding sev-${f.severity}" id="${esc(`finding-${f.id}`)}" data-severity="${f.severity}" data-env="${esc(f.environment)}" data-type="${esc(f.type)}">`,
    `<header><span class="sev">${f.severity}</span><span class="type">${esc(f.type)}</span><code class="key">${esc(f.key)}</code>${transitionTag(transition)}</header>`,
    `<p class="msg">${esc(f.message)}</p>`,
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
  out.push('</article>');
  return out.join('\n');
}

function environmentHtml(env: EnvironmentView, view: ReportView): string {
  const facts = [env.tier, env.region, env.account].filter((f): f is string => f !== undefined);
  const partial = env.complete ? '' : ' <span class="c-medium">partial: keys absent here are unknown, not missing</span>';
  return [
    `<section class="env" data-env="${esc(env.name)}">`,
    `<h2>${esc(env.name)} <small>${esc(facts.join(' · '))} · ${esc(describeCounts(env.counts, env.findings.length))}</small>${partial}</h2>`,
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

function summaryTable(view: ReportView): string {
  const head = `<tr><th>Environment</th><th>Tier</th><th>Region</th>${SEVERITIES_WORST_FIRST.map((s) => `<th class="n c-${s}">${s}</th>`).join('')}<th>Sources</th></tr>`;
  const rows = view.environments.map((env) => {
    const cells = SEVERITIES_WORST_FIRST.map((s) => `<td class="n${env.counts[s] === 0 ? ' zero' : ''}">${env.counts[s]}</td>`);
    const state = env.complete ? 'all read' : '<span class="c-medium">partial</span>';
    return `<tr><td>${esc(env.name)}</td><td>${esc(env.tier)}</td><td>${esc(env.region ?? '')}</td>${cells.join('')}<td>${state}</td></tr>`;
  });
  const totals = SEVERITIES_WORST_FIRST.map((s) => `<th class="n">${view.totals[s]}</th>`).join('');
  return `<table class="summary"><thead>${head}</thead><tbody>${rows.join('')}</tbody><tfoot><tr><th colspan="3">Total</th>${totals}<th></th></tr></tfoot></table>`;
}

function filtersHtml(view: ReportView): string {
  if (view.findingCount === 0) return '';
  const boxes = SEVERITIES_WORST_FIRST.map((s) => `<label class="c-${s}"><input type="checkbox" data-sev="${s}" checked> ${s}</label>`).join('');
  const options = view.environments
    .filter((e) => e.findings.length > 0)
    .map((e) => `<option value="${esc(e.name)}">${esc(e.name)}</option>`)
    .join('');
  return (
    `<nav class="filters" hidden aria-label="Filter findings">${boxes}` +
    `<select aria-label="Environment"><option value="">all environments</option>${options}</select>` +
    `<input type="search" placeholder="Filter by key, value, source…" aria-label="Search findings">` +
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
  return (
    `<section class="sources"><h2>Sources <small>${plural(sorted.length, 'source')}</small></h2>` +
    `<table><thead><tr><th>Source</th><th>Layers</th><th class="n">Items</th><th>Status</th><th>Notes</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

/**
 * The report as one self-contained HTML page: the Lambda stores it in S3 and alerts link to it.
 *
 * Inline CSS (light and dark), no external asset, and a tiny inline script that adds filtering by
 * severity, environment and text; without it the page reads in full. Every value is escaped, and a
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
    filtersHtml(view),
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

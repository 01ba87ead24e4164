/**
 * The per-region drift timeline of the HTML report, drawn as inline SVG (no chart library, no
 * style attribute: the CSP allows the page's one stylesheet only, and SVG geometry attributes are
 * not styles). A daily chart of opened / changed / resolved, then one lane per drift.
 */
import type { RegionTimelineEntry } from '../history/history-queries.js';
import { escapeHtml as esc } from './escape.js';
import type { RegionTimeline, ReportTimeline } from './report-timeline.js';
import { plural } from './report-view.js';
import { shownText } from './shown-value.js';

const DAY_MS = 86_400_000;
/** Width of one lane's SVG coordinate space; the SVG stretches to its box. */
const LANE_WIDTH = 1000;

interface Window {
  readonly start: number;
  readonly end: number;
}

function position(at: string, window: Window): number {
  const t = Date.parse(at);
  const span = Math.max(1, window.end - window.start);
  return Math.min(LANE_WIDTH, Math.max(0, Math.round(((t - window.start) / span) * LANE_WIDTH)));
}

/** One column per UTC day of the window, each a stack of opened (bottom), changed, resolved. */
function dailyChart(entries: readonly RegionTimelineEntry[], window: Window, region: string): string {
  const firstDay = Math.floor(window.start / DAY_MS);
  const days = Math.max(1, Math.floor(window.end / DAY_MS) - firstDay + 1);
  const buckets = Array.from({ length: days }, () => ({ opened: 0, changed: 0, resolved: 0 }));
  for (const entry of entries) {
    for (const event of entry.events) {
      const bucket = buckets[Math.floor(Date.parse(event.at) / DAY_MS) - firstDay];
      if (bucket === undefined) continue;
      if (event.kind === 'opened') bucket.opened += 1;
      else if (event.kind === 'resolved') bucket.resolved += 1;
      else bucket.changed += 1;
    }
  }
  const peak = Math.max(1, ...buckets.map((b) => b.opened + b.changed + b.resolved));
  const height = 40;
  const bars = buckets.flatMap((b, day) => {
    let y = height;
    return (['opened', 'changed', 'resolved'] as const).flatMap((kind) => {
      if (b[kind] === 0) return [];
      const h = Math.max(1, Math.round((b[kind] / peak) * height));
      y -= h;
      const date = new Date((firstDay + day) * DAY_MS).toISOString().slice(0, 10);
      return [`<rect class="${kind}" x="${day * 10 + 1}" y="${y}" width="8" height="${h}"><title>${date}: ${b[kind]} ${kind}</title></rect>`];
    });
  });
  const label = `Drift per day in ${region}: opened, changed and resolved`;
  return `<svg class="chart" viewBox="0 0 ${days * 10} ${height}" preserveAspectRatio="none" role="img" aria-label="${esc(label)}">${bars.join('')}</svg>`;
}

function laneHtml(entry: RegionTimelineEntry, window: Window, region: string): string {
  const from = position(entry.openedAt ?? entry.events[0]?.at ?? new Date(window.start).toISOString(), window);
  const to = entry.resolvedAt === undefined ? LANE_WIDTH : position(entry.resolvedAt, window);
  const marks = entry.events
    .filter((e) => e.kind === 'changed' || e.kind === 'escalated')
    .map(
      (e) => `<rect class="chg" x="${Math.max(0, position(e.at, window) - 3)}" y="0" width="6" height="10"><title>${esc(`${e.kind} ${e.at}`)}</title></rect>`,
    );
  const bar = `<rect class="${entry.status === 'open' ? 'open' : 'res'}" x="${from}" y="2" width="${Math.max(4, to - from)}" height="6"></rect>`;
  const values = `expected ${entry.expected === undefined ? '(none)' : shownText(entry.expected)} → actual ${entry.actual === undefined ? '(absent)' : shownText(entry.actual)}`;
  const state =
    entry.status === 'open'
      ? `open${entry.openedAt === undefined ? '' : ` since ${entry.openedAt.slice(0, 10)}`}`
      : `resolved ${entry.resolvedAt?.slice(0, 10) ?? ''}`;
  return (
    `<li class="lane sev-${entry.severity}" data-severity="${entry.severity}" data-type="${esc(entry.type)}" data-env="${esc(entry.environment)}" data-region="${esc(region)}">` +
    `<span class="lk" title="${esc(`${entry.findingId}\n${values}`)}"><span class="sev">${entry.severity}</span> <code>${esc(entry.key)}</code> ${esc(entry.environment)}</span>` +
    `<svg viewBox="0 0 ${LANE_WIDTH} 10" preserveAspectRatio="none" role="img" aria-label="${esc(`${entry.findingId}: ${state}`)}">${bar}${marks.join('')}</svg>` +
    `<span class="st">${esc(`${state} · ${entry.type}`)}</span></li>`
  );
}

function regionHtml(timeline: RegionTimeline, window: Window): string {
  const events = timeline.entries.flatMap((e) => e.events);
  const opened = events.filter((e) => e.kind === 'opened').length;
  const resolved = events.filter((e) => e.kind === 'resolved').length;
  const changed = events.length - opened - resolved;
  const open = timeline.entries.filter((e) => e.status === 'open').length;
  const omitted = timeline.omitted > 0 ? ` · ${timeline.omitted} older left out` : '';
  return [
    `<section class="region" data-region="${esc(timeline.region)}">`,
    `<h3>${esc(timeline.region)} <small>${esc(`${opened} opened · ${changed} changed · ${resolved} resolved · ${open} open now${omitted}`)}</small></h3>`,
    dailyChart(timeline.entries, window, timeline.region),
    `<div class="axis"><span>${esc(new Date(window.start).toISOString().slice(0, 10))}</span><span>${esc(new Date(window.end).toISOString().slice(0, 10))}</span></div>`,
    `<ol class="lanes">${timeline.entries.map((e) => laneHtml(e, window, timeline.region)).join('\n')}</ol>`,
    '</section>',
  ].join('\n');
}

/** The timeline section; empty when there is no timeline. */
export function timelineHtml(timeline: ReportTimeline | undefined): string {
  if (timeline === undefined) return '';
  const window = { start: Date.parse(timeline.since), end: Date.parse(timeline.until) };
  const drifts = timeline.regions.reduce((n, r) => n + r.entries.length, 0);
  const heading =
    `<h2>Timeline <small>${esc(`${plural(drifts, 'drift')} from ${timeline.since.slice(0, 10)} to ${timeline.until.slice(0, 10)}`)}</small></h2>` +
    (timeline.note === undefined ? '' : `<p class="c-medium">${esc(timeline.note)}</p>`);
  if (timeline.regions.length === 0) {
    return `<section class="timeline" id="timeline">${heading}<p class="muted">No drift opened, changed or resolved in this window.</p></section>`;
  }
  return [
    `<section class="timeline" id="timeline">${heading}`,
    '<p class="legend"><span class="c-high">■ opened / open</span><span class="c-medium">■ changed</span><span class="c-ok">■ resolved</span></p>',
    ...timeline.regions.map((r) => regionHtml(r, window)),
    '</section>',
  ].join('\n');
}

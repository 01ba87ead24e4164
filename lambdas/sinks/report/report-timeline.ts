/**
 * The drift timeline a report shows: per region, when each drift opened, changed and resolved, from
 * the history (the Lambda's DynamoDB table, or `drift-audit history --json` exports for the CLI).
 */
import type { Transition } from '../../engine/model.js';
import { buildRegionTimeline, type RegionTimelineEntry } from '../history/history-queries.js';
import type { HistoryExport } from './history-export.js';

/** One region's part of the timeline. */
export interface RegionTimeline {
  readonly region: string;
  /** Ordered by first event, then finding id (see `buildRegionTimeline`). */
  readonly entries: readonly RegionTimelineEntry[];
  /** Entries left out to keep the report bounded: the ones whose latest event is oldest. */
  readonly omitted: number;
}

/** The timeline of a report: a window and the regions in it, by name. */
export interface ReportTimeline {
  /** ISO 8601, inclusive. */
  readonly since: string;
  readonly until: string;
  readonly regions: readonly RegionTimeline[];
  /** Why the timeline may be incomplete (the history could not be read): shown above it. */
  readonly note?: string;
}

/** Default bound on the entries of one region's timeline in a report. */
export const DEFAULT_TIMELINE_ENTRIES = 200;

/** How many days back the Lambda's report looks by default, and the most it may be asked to. */
export const DEFAULT_TIMELINE_DAYS = 14;
/**
 * The most days a report's timeline covers: a report is a recent view (the history keeps far longer,
 * `drift-audit history --since` reads it), and each scheduled run reads this window once per region.
 */
export const MAX_TIMELINE_DAYS = 90;

/**
 * Folds transitions (each as recorded, with the finding as it was then) into a report timeline:
 * one region per distinct `finding.region` (`unknown` when a finding has none, as the history keys
 * it), regions by name. The same transition given twice (a run's own, also read back) counts once.
 */
export function reportTimeline(
  transitions: readonly Pick<Transition, 'kind' | 'at' | 'finding'>[],
  window: { readonly since: string; readonly until: string },
  maxEntries: number = DEFAULT_TIMELINE_ENTRIES,
): ReportTimeline {
  const seen = new Set<string>();
  const byRegion = new Map<string, Pick<Transition, 'kind' | 'at' | 'finding'>[]>();
  for (const t of transitions) {
    if (t.at < window.since || t.at > window.until) continue;
    const id = `${t.finding.id}\u0000${t.at}\u0000${t.kind}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const region = t.finding.region ?? 'unknown';
    const list = byRegion.get(region) ?? [];
    list.push(t);
    byRegion.set(region, list);
  }
  const regions = [...byRegion.keys()].sort().map((region) => boundRegion(region, buildRegionTimeline(byRegion.get(region) ?? []), maxEntries));
  return { since: window.since, until: window.until, regions };
}

/** Merges `drift-audit history --json` exports (one per region) into one report timeline. */
export function timelineOfExports(exports: readonly HistoryExport[], maxEntries: number = DEFAULT_TIMELINE_ENTRIES): ReportTimeline {
  const since = exports.map((e) => e.since).sort()[0] ?? '';
  const until =
    exports
      .map((e) => e.until)
      .sort()
      .at(-1) ?? '';
  const byRegion = new Map<string, RegionTimelineEntry[]>();
  for (const e of exports) {
    const list = byRegion.get(e.region) ?? [];
    const known = new Set(list.map((entry) => entry.findingId));
    list.push(...e.findings.filter((entry) => !known.has(entry.findingId)));
    byRegion.set(e.region, list);
  }
  const regions = [...byRegion.keys()].sort().map((region) => boundRegion(region, byRegion.get(region) ?? [], maxEntries));
  return { since, until, regions };
}

function boundRegion(region: string, entries: readonly RegionTimelineEntry[], maxEntries: number): RegionTimeline {
  if (entries.length <= maxEntries) return { region, entries, omitted: 0 };
  // Keep the most recent activity: an incident attachment is about what just happened.
  const latest = (e: RegionTimelineEntry): string => e.events.at(-1)?.at ?? '';
  const kept = new Set([...entries].sort((a, b) => (latest(b) < latest(a) ? -1 : latest(b) > latest(a) ? 1 : 0)).slice(0, maxEntries));
  return { region, entries: entries.filter((e) => kept.has(e)), omitted: entries.length - kept.size };
}

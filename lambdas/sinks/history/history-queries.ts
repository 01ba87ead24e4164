import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import type { FindingType, Severity, ShownValue, TransitionKind } from '../../engine/model.js';
import { InvalidSinceError } from './history-errors.js';
import type { RecordedRun, RecordedTransition } from './history-items.js';
import { fromRunItem, fromStateItem, fromTransitionItem } from './history-items.js';
import type { HistoryDocumentClient } from './dynamo-operations.js';
import { queryAllPages } from './dynamo-operations.js';
import type { HistoryIndexName } from './table-schema.js';
import { HISTORY_TABLE_SCHEMA, historyKeys, UNKNOWN_REGION } from './table-schema.js';

/** How `HistoryQueries` reaches the table. */
export interface HistoryQueriesOptions {
  readonly documentClient: HistoryDocumentClient;
  readonly tableName: string;
  /** The clock `until` and `recentRuns` count from. @default () => new Date() */
  readonly now?: () => Date;
}

/** A time window; `until` defaults to now. Both ends inclusive. */
export interface TimeRange {
  readonly since: Date;
  readonly until?: Date;
}

/** One finding's whole life as history holds it. */
export interface FindingTimeline {
  /** The current state; absent when the finding was never recorded or its resolved state expired. */
  readonly state?: FindingState;
  /** Oldest first. */
  readonly transitions: RecordedTransition[];
}

/**
 * Read side of the history table: the questions users ask, each answered by a Query (never a Scan),
 * with time ranges as `BETWEEN` on the index sort key and every page followed to the end.
 */
export class HistoryQueries {
  private readonly client: HistoryDocumentClient;
  private readonly tableName: string;
  private readonly now: () => Date;

  constructor(options: HistoryQueriesOptions) {
    this.client = options.documentClient;
    this.tableName = options.tableName;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * What drifted in a region over a time range, oldest first. `environment` and `key` narrow it with
   * a filter on the same Query (the region partition is read either way).
   */
  async findingsByRegion(region: string, options: TimeRange & { readonly environment?: string; readonly key?: string }): Promise<RecordedTransition[]> {
    const filter = attributeFilter({ environment: options.environment, key: options.key });
    return this.transitionsBetween('byRegion', historyKeys.regionPk(region === '' ? UNKNOWN_REGION : region), options, filter);
  }

  /**
   * When a key drifted, in every region, oldest first: one Query on the key's partition of `byKey`,
   * so it reads only that key's transitions in the window, never another key's. `environment` and
   * `region` narrow it with a filter (which saves no read capacity: DynamoDB filters after reading).
   */
  async findingsByKey(key: string, options: TimeRange & { readonly environment?: string; readonly region?: string }): Promise<RecordedTransition[]> {
    const filter = attributeFilter({ environment: options.environment, region: options.region });
    return this.transitionsBetween('byKey', historyKeys.keyPk(key), options, filter);
  }

  /** What happened in one environment, oldest first; `region` and `key` narrow it with a filter. */
  async findingsByEnvironment(environment: string, options: TimeRange & { readonly region?: string; readonly key?: string }): Promise<RecordedTransition[]> {
    const filter = attributeFilter({ region: options.region, key: options.key });
    return this.transitionsBetween('byEnvironment', historyKeys.environmentPk(environment), options, filter);
  }

  /**
   * What is open right now, whatever its age, worst severity first (the sparse `open` index's order):
   * one Query on the index's one partition, which holds only open findings. `region`, `environment`
   * and `key` narrow it with a filter.
   */
  async openFindings(options: { readonly region?: string; readonly environment?: string; readonly key?: string } = {}): Promise<FindingState[]> {
    const filter = attributeFilter({ region: options.region, environment: options.environment, key: options.key });
    const items = await queryAllPages(
      this.client,
      {
        TableName: this.tableName,
        IndexName: 'open',
        KeyConditionExpression: '#openpk = :open',
        ...(filter.filter ? { FilterExpression: filter.filter } : {}),
        ExpressionAttributeNames: { '#openpk': HISTORY_TABLE_SCHEMA.indexes.open.partitionKey, ...filter.names },
        ExpressionAttributeValues: { ':open': historyKeys.openPk, ...filter.values },
      },
      'list open findings',
    );
    return items.map(fromStateItem);
  }

  /** The whole life of one finding: its state and every transition, from its own partition. */
  async findingTimeline(findingId: string): Promise<FindingTimeline> {
    const items = await queryAllPages(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': HISTORY_TABLE_SCHEMA.partitionKey },
        ExpressionAttributeValues: { ':pk': historyKeys.findingPk(findingId) },
        ConsistentRead: true,
      },
      `read the timeline of finding ${findingId}`,
    );
    // Fences a rollback left (itemType `fence`) share the keys of states and transitions: skip them.
    const stateItem = items.find((item) => item['sk'] === historyKeys.stateSk && item['itemType'] === 'state');
    const transitions = items
      .filter((item) => String(item['sk']).startsWith(historyKeys.transitionPrefix) && item['itemType'] === 'transition')
      .map(fromTransitionItem);
    return { ...(stateItem === undefined ? {} : { state: fromStateItem(stateItem) }), transitions };
  }

  /**
   * Recent runs, newest first: one Query per month partition, walking back from the current month
   * until `limit` runs or `months` months.
   */
  async recentRuns(options: { readonly months?: number; readonly limit?: number } = {}): Promise<RecordedRun[]> {
    const months = options.months ?? 3;
    const limit = options.limit ?? 50;
    const now = this.now();
    const runs: RecordedRun[] = [];
    for (let back = 0; back < months && runs.length < limit; back += 1) {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString();
      const items = await queryAllPages(
        this.client,
        {
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': HISTORY_TABLE_SCHEMA.partitionKey },
          ExpressionAttributeValues: { ':pk': historyKeys.runPk(month) },
          ScanIndexForward: false,
          Limit: limit - runs.length,
        },
        `list runs of ${month.slice(0, 7)}`,
        limit - runs.length,
      );
      runs.push(...items.filter((item) => item['itemType'] === 'run').map(fromRunItem));
    }
    return runs;
  }

  private async transitionsBetween(
    index: Exclude<HistoryIndexName, 'open'>,
    partition: string,
    range: TimeRange,
    extra: { filter?: string; names?: Record<string, string>; values?: Record<string, unknown> } = {},
  ): Promise<RecordedTransition[]> {
    const until = range.until ?? this.now();
    const keys = HISTORY_TABLE_SCHEMA.indexes[index];
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ...(extra.filter ? { FilterExpression: extra.filter } : {}),
      ExpressionAttributeNames: { '#pk': keys.partitionKey, '#sk': keys.sortKey, ...extra.names },
      ExpressionAttributeValues: {
        ':pk': partition,
        ':from': range.since.toISOString(),
        ':to': historyKeys.rangeEnd(until.toISOString()),
        ...extra.values,
      },
    };
    const items = await queryAllPages(this.client, input, `query ${partition} on index ${index}`);
    return items.map(fromTransitionItem);
  }
}

/** A FilterExpression of equalities on the plain attributes every transition and state item carries. */
interface AttributeFilter {
  readonly filter: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

function attributeFilter(equal: {
  readonly region?: string | undefined;
  readonly environment?: string | undefined;
  readonly key?: string | undefined;
}): AttributeFilter {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(equal)) {
    if (value === undefined) continue;
    filters.push(`#${attribute} = :${attribute}`);
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = attribute === 'region' && value === '' ? UNKNOWN_REGION : value;
  }
  return { filter: filters.join(' AND '), names, values };
}

/** One move of a finding on a timeline. */
export interface TimelineEvent {
  readonly kind: TransitionKind;
  readonly at: string;
  readonly severity: Severity;
  readonly expected?: ShownValue;
  readonly actual?: ShownValue;
}

/** One finding on a region's timeline: when it opened, changed and resolved within the window. */
export interface RegionTimelineEntry {
  readonly findingId: string;
  readonly type: FindingType;
  readonly environment: string;
  readonly key: string;
  readonly region?: string;
  /** As of its latest event. */
  readonly severity: Severity;
  readonly expected?: ShownValue;
  readonly actual?: ShownValue;
  /** `resolved` when its latest event in the window is a resolution. */
  readonly status: 'open' | 'resolved';
  /** The latest `opened` in the window, if any (a window can start mid-episode). */
  readonly openedAt?: string;
  /** `changed` and `escalated` times since that opening (or since the window's start). */
  readonly changedAt: readonly string[];
  /** Set when the latest event is a resolution. */
  readonly resolvedAt?: string;
  /** Every event in the window, oldest first. */
  readonly events: readonly TimelineEvent[];
}

/**
 * Folds transition items into a per-finding timeline, ordered by each finding's first event then
 * id. Input order does not matter. Pure, so the CLI and tests share it.
 */
export function buildRegionTimeline(items: readonly Pick<RecordedTransition, 'kind' | 'at' | 'finding'>[]): RegionTimelineEntry[] {
  const byFinding = new Map<string, Pick<RecordedTransition, 'kind' | 'at' | 'finding'>[]>();
  for (const item of items) {
    const list = byFinding.get(item.finding.id) ?? [];
    list.push(item);
    byFinding.set(item.finding.id, list);
  }
  const entries: RegionTimelineEntry[] = [];
  for (const [findingId, list] of byFinding) {
    list.sort((a, b) => compareText(a.at, b.at) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
    const last = list[list.length - 1];
    if (last === undefined) continue;
    const events: TimelineEvent[] = list.map(({ kind, at, finding }) => ({
      kind,
      at,
      severity: finding.severity,
      ...(finding.expected === undefined ? {} : { expected: finding.expected }),
      ...(finding.actual === undefined ? {} : { actual: finding.actual }),
    }));
    let openedAt: string | undefined;
    let changedAt: string[] = [];
    for (const event of events) {
      if (event.kind === 'opened') {
        openedAt = event.at;
        changedAt = [];
      } else if (event.kind === 'changed' || event.kind === 'escalated') {
        changedAt.push(event.at);
      }
    }
    const finding = last.finding;
    entries.push({
      findingId,
      type: finding.type,
      environment: finding.environment,
      key: finding.key,
      ...(finding.region === undefined ? {} : { region: finding.region }),
      severity: finding.severity,
      ...(finding.expected === undefined ? {} : { expected: finding.expected }),
      ...(finding.actual === undefined ? {} : { actual: finding.actual }),
      status: last.kind === 'resolved' ? 'resolved' : 'open',
      ...(openedAt === undefined ? {} : { openedAt }),
      changedAt,
      ...(last.kind === 'resolved' ? { resolvedAt: last.at } : {}),
      events,
    });
  }
  return entries.sort((a, b) => compareText(a.events[0]?.at ?? '', b.events[0]?.at ?? '') || compareText(a.findingId, b.findingId));
}

/** Within one instant, a finding opens before it changes and changes before it resolves. */
const KIND_ORDER: Readonly<Record<TransitionKind, number>> = { opened: 0, changed: 1, escalated: 2, resolved: 3 };

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The start of a `--since` window: a duration back from `now` (`12h`, `30d`, `2w`) or an ISO date or
 * date-time (`2026-11-01`, `2026-11-01T08:00:00Z`). Minutes and months are left out on purpose:
 * `m` would be ambiguous between the two.
 */
export function parseSince(input: string, now: Date): Date {
  const text = input.trim();
  const duration = /^(\d+)\s*([hdw])$/i.exec(text);
  if (duration !== null) {
    const [, amount = '0', unit = 'd'] = duration;
    return new Date(now.getTime() - Number(amount) * (UNIT_MS[unit.toLowerCase()] ?? 0));
  }
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ]([\d:.]+)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (iso !== null) {
    // A date or a time without an offset is read as UTC, never as this machine's zone.
    const [, date, time = '00:00:00', offset = 'Z'] = iso;
    const parsed = Date.parse(`${date}T${time}${offset.toUpperCase()}`);
    if (!Number.isNaN(parsed)) return new Date(parsed);
  }
  throw new InvalidSinceError(`invalid --since value "${input}": expected a duration such as 12h, 30d or 2w, or an ISO date such as 2026-11-01`);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

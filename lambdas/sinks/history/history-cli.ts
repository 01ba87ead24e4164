import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient, Output } from '@aws-sdk/client-cloudformation';
import { createColors } from 'picocolors';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import type { Severity, ShownValue, TransitionKind } from '../../engine/model.js';
import { HistoryTableNotFoundError, InvalidHistoryScopeError } from './history-errors.js';
import type { RegionTimelineEntry } from './history-queries.js';
import { buildRegionTimeline, HistoryQueries, parseSince } from './history-queries.js';
import type { HistoryDocumentClient } from './dynamo-operations.js';
import { DEFAULT_RETENTION_DAYS } from './history-items.js';
import { ReminderLog, type ReminderRecord } from './reminder-log.js';
import { TableWriter } from './table-writer.js';

/** The stack users deploy; its outputs name the history table. */
export const DEFAULT_STACK_NAME = 'DriftAuditStack';
/** The stack output that holds the history table's name. */
export const HISTORY_TABLE_OUTPUT = 'HistoryTableName';
/** Version of the `--json` document, bumped on any incompatible change. */
export const HISTORY_JSON_SCHEMA = 'drift-audit.history/1';

/** Options of `drift-audit history`, as parsed by the CLI. */
export interface HistoryCommandOptions {
  /** Only drift in this region (a filter on findings, not where the table lives). */
  readonly region?: string;
  readonly environment?: string;
  readonly key?: string;
  /** `30d`, `12h`, `2w` or an ISO date. @default '30d' */
  readonly since?: string;
  /** Show only what is open now (worst first), without the timeline. */
  readonly open?: boolean;
  /** Show the reminders sent (daily digests, expiring exceptions) by day instead of a timeline. */
  readonly reminders?: boolean;
  readonly json?: boolean;
  /** The table name; skips the stack lookup. */
  readonly table?: string;
  /** @default 'DriftAuditStack' */
  readonly stackName?: string;
  readonly color: boolean;
}

/** What `runHistoryCommand` talks to; injected so tests use dynalite and a mocked CloudFormation. */
export interface HistoryCommandDeps {
  readonly documentClient: HistoryDocumentClient;
  /** Needed unless `--table` is given. */
  readonly cloudFormationClient?: Pick<CloudFormationClient, 'send'>;
  readonly now: Date;
}

/**
 * The core of `drift-audit history`: finds the table (from `--table` or the deployed stack's
 * `HistoryTableName` output), then prints what is open now (whatever its age: an open drift is never
 * out of the window) followed by the timeline of the window (per finding: id, severity, when it
 * opened, changed and resolved, expected → actual). `--open` prints only the first part, `--reminders`
 * the reminders sent. `--json` prints the same data as a versioned document. Returns the text to print.
 *
 * Every read is a Query: open findings on the sparse `open` index (one partition holding only open
 * findings), transitions on the index of the narrowest filter given: `byKey` for `--key` (every
 * region), else `byEnvironment` for `--env`, else `byRegion`. The other filters are FilterExpressions.
 */
export async function runHistoryCommand(options: HistoryCommandOptions, deps: HistoryCommandDeps): Promise<string> {
  const since = parseSince(options.since ?? '30d', deps.now);
  const tableName = options.table ?? (await findHistoryTableName(options.stackName ?? DEFAULT_STACK_NAME, deps.cloudFormationClient));
  const queries = new HistoryQueries({ documentClient: deps.documentClient, tableName, now: () => deps.now });
  const colors = createColors(options.color);
  const window = { since: since.toISOString(), until: deps.now.toISOString() };

  if (options.reminders === true) {
    const reminders = await new ReminderLog(new TableWriter(deps.documentClient, tableName), DEFAULT_RETENTION_DAYS).between(
      window.since.slice(0, 10),
      window.until.slice(0, 10),
    );
    if (options.json === true) return `${JSON.stringify({ schema: HISTORY_JSON_SCHEMA, table: tableName, ...window, reminders }, null, 2)}\n`;
    return renderReminders(reminders, window, tableName, colors);
  }

  const scope = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    ...(options.key === undefined ? {} : { key: options.key }),
  };
  const open = await queries.openFindings(scope);
  if (options.open === true) {
    if (options.json === true) return `${JSON.stringify({ schema: HISTORY_JSON_SCHEMA, table: tableName, ...scope, open }, null, 2)}\n`;
    return renderOpen(open, describeScope(scope), tableName, colors);
  }

  const timeline = buildRegionTimeline(await transitionsOf(queries, scope, { since, until: deps.now }));
  if (options.json === true) {
    return `${JSON.stringify({ schema: HISTORY_JSON_SCHEMA, table: tableName, ...scope, ...window, open, findings: timeline }, null, 2)}\n`;
  }
  return `${renderOpen(open, describeScope(scope), tableName, colors)}\n${renderTimeline(timeline, describeScope(scope), window, colors)}`;
}

/** The filters of one `history` call. */
interface HistoryScope {
  readonly region?: string;
  readonly environment?: string;
  readonly key?: string;
}

/** The transitions of the window, read on the index of the narrowest filter given. */
async function transitionsOf(queries: HistoryQueries, scope: HistoryScope, range: { since: Date; until: Date }) {
  if (scope.key !== undefined) {
    return queries.findingsByKey(scope.key, {
      ...range,
      ...(scope.environment === undefined ? {} : { environment: scope.environment }),
      ...(scope.region === undefined ? {} : { region: scope.region }),
    });
  }
  if (scope.environment !== undefined) {
    return queries.findingsByEnvironment(scope.environment, { ...range, ...(scope.region === undefined ? {} : { region: scope.region }) });
  }
  if (scope.region !== undefined) return queries.findingsByRegion(scope.region, range);
  throw new InvalidHistoryScopeError('the history timeline needs --region REGION, --env ENV or --key KEY (--open and --reminders need none)');
}

/** `DB_TIMEOUT in production-eu, eu-west-1`, or `every region`. */
function describeScope(scope: HistoryScope): string {
  const where = [scope.environment, scope.region].filter((part): part is string => part !== undefined);
  const place = where.length === 0 ? 'every region' : where.join(', ');
  return scope.key === undefined ? place : `${scope.key} in ${place}`;
}

/**
 * The history table's name from the deployed stack's outputs. Accepts the output key as written
 * (`HistoryTableName`) or with the hash CDK appends when the output sits inside a construct.
 */
export async function findHistoryTableName(stackName: string, client: Pick<CloudFormationClient, 'send'> | undefined): Promise<string> {
  if (client === undefined) {
    throw new HistoryTableNotFoundError(`cannot find the history table: no CloudFormation client to read stack ${stackName}; pass --table NAME`);
  }
  let outputs: Output[];
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = out.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HistoryTableNotFoundError(
      `cannot find the history table: cannot describe stack ${stackName}: ${reason}; deploy it, or pass --stack NAME (the stack's name) or --table NAME`,
      { cause: error },
    );
  }
  const pattern = new RegExp(`^(.*[^A-Za-z0-9])?${HISTORY_TABLE_OUTPUT}$|^[A-Za-z0-9]*${HISTORY_TABLE_OUTPUT}[0-9A-F]{8}$`);
  const output = outputs.find((o) => o.OutputKey === HISTORY_TABLE_OUTPUT) ?? outputs.find((o) => pattern.test(o.OutputKey ?? ''));
  if (output?.OutputValue === undefined || output.OutputValue === '') {
    throw new HistoryTableNotFoundError(`cannot find the history table: stack ${stackName} has no ${HISTORY_TABLE_OUTPUT} output; pass --table NAME`);
  }
  return output.OutputValue;
}

type Colors = ReturnType<typeof createColors>;

function renderTimeline(timeline: readonly RegionTimelineEntry[], scope: string, window: { since: string; until: string }, c: Colors): string {
  const lines = [c.bold(`Transitions of ${scope} from ${window.since} to ${window.until}`), ''];
  if (timeline.length === 0) {
    lines.push(`No drift opened, changed or resolved in ${scope} in this window (--since widens it).`);
    return `${lines.join('\n')}\n`;
  }
  for (const entry of timeline) {
    const status = entry.status === 'open' ? c.red('open') : c.green('resolved');
    lines.push(`${severityLabel(entry.severity, c)}  ${c.bold(entry.findingId)}  ${status}`);
    lines.push(`  ${entry.environment} · ${entry.key} · ${describeValues(entry.expected, entry.actual)}`);
    const summary = [
      entry.openedAt === undefined ? undefined : `opened ${entry.openedAt}`,
      entry.changedAt.length === 0 ? undefined : `changed ${entry.changedAt.join(', ')}`,
      entry.resolvedAt === undefined ? undefined : `resolved ${entry.resolvedAt}`,
    ].filter((part): part is string => part !== undefined);
    if (summary.length > 0) lines.push(`  ${c.dim(summary.join('; '))}`);
    for (const event of entry.events) {
      lines.push(`    ${event.at}  ${kindLabel(event.kind, c)}  ${event.severity.padEnd(8)}  ${describeValues(event.expected, event.actual)}`);
    }
    lines.push('');
  }
  const open = timeline.filter((entry) => entry.status === 'open').length;
  lines.push(`${timeline.length} ${timeline.length === 1 ? 'drift' : 'drifts'} moved in this window: ${open} still open, ${timeline.length - open} resolved`);
  return `${lines.join('\n')}\n`;
}

function renderOpen(open: readonly FindingState[], scope: string, tableName: string, c: Colors): string {
  const lines = [c.bold(`Open now in ${scope}, worst first, whatever their age`) + c.dim(` (table ${tableName})`), ''];
  if (open.length === 0) {
    lines.push(`No open drift recorded in ${scope}.`);
    return `${lines.join('\n')}\n`;
  }
  for (const state of open) {
    lines.push(`${severityLabel(state.severity, c)}  ${c.bold(state.id)}`);
    lines.push(`  ${state.finding.environment} · ${state.finding.key} · ${describeValues(state.finding.expected, state.finding.actual)}`);
    lines.push(`  ${c.dim(`opened ${state.firstSeen}; last seen ${state.lastSeen}`)}`);
  }
  lines.push('', `${open.length} open`);
  return `${lines.join('\n')}\n`;
}

function renderReminders(reminders: readonly ReminderRecord[], window: { since: string; until: string }, tableName: string, c: Colors): string {
  const lines = [c.bold(`Reminders sent from ${window.since.slice(0, 10)} to ${window.until.slice(0, 10)}`) + c.dim(` (table ${tableName})`), ''];
  if (reminders.length === 0) {
    lines.push('No reminders sent in this window.');
    return `${lines.join('\n')}\n`;
  }
  for (const reminder of reminders) {
    const parts = [
      reminder.digest ? `digest of ${reminder.findings.length} long-open ${reminder.findings.length === 1 ? 'drift' : 'drifts'}` : undefined,
      reminder.exceptions.length > 0 ? `${reminder.exceptions.length} expiring ${reminder.exceptions.length === 1 ? 'exception' : 'exceptions'}` : undefined,
    ].filter((part): part is string => part !== undefined);
    lines.push(`${c.bold(reminder.day)}  ${parts.join(' + ')}  ${c.dim(`sent ${reminder.sentAt}, run ${reminder.runId}`)}`);
    for (const id of reminder.findings) lines.push(`  drift      ${id}`);
    for (const id of reminder.exceptions) lines.push(`  exception  ${id}`);
  }
  lines.push('', `${reminders.length} ${reminders.length === 1 ? 'reminder' : 'reminders'}`);
  return `${lines.join('\n')}\n`;
}

/** `expected 30 → actual 120`; secrets are already `[secret]` in history, never a value. */
function describeValues(expected: ShownValue | undefined, actual: ShownValue | undefined): string {
  return `expected ${expected === undefined ? '(none)' : expected.text} → actual ${actual === undefined ? '(absent)' : actual.text}`;
}

function severityLabel(severity: Severity, c: Colors): string {
  const label = severity.toUpperCase().padEnd(8);
  switch (severity) {
    case 'critical':
      return c.bold(c.red(label));
    case 'high':
      return c.red(label);
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.cyan(label);
    default:
      return c.dim(label);
  }
}

function kindLabel(kind: TransitionKind, c: Colors): string {
  const label = kind.padEnd(9);
  switch (kind) {
    case 'opened':
      return c.red(label);
    case 'escalated':
      return c.magenta(label);
    case 'changed':
      return c.yellow(label);
    default:
      return c.green(label);
  }
}

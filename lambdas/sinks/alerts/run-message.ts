import {
  SEVERITIES,
  type Finding,
  type Provenance,
  type RunSummary,
  type Severity,
  type ShownValue,
  type Transition,
  type TransitionKind,
} from '../../engine/model.js';
import { boundStrings, VALUE_PREVIEW_BYTES } from '../history/bounded-text.js';
import { worstSeverity } from '../../engine/analyse/severity.js';
import { countSeverities } from './alert-order.js';

/** Version tag of the SNS message body; bump on any incompatible change. */
export const RUN_MESSAGE_SCHEMA = 'drift-audit.run/1';

/**
 * SNS accepts 256 KiB (262,144 bytes) per publish, the message and every attribute's name, type and
 * value counted together (Publish API, `MessageAttributeValue`).
 */
export const SNS_MESSAGE_LIMIT_BYTES = 256 * 1024;
/** Largest UTF-8 size of the e-mail text (`email-text.ts`) that travels beside the JSON body. */
export const EMAIL_TEXT_LIMIT_BYTES = 24 * 1024;
/** Room kept for the message attributes and the `{"default": ..., "email": ...}` envelope's own keys. */
const ATTRIBUTES_RESERVE_BYTES = 8 * 1024;
/**
 * Largest size of the JSON body once escaped as a string inside the per-protocol envelope
 * (`MessageStructure: json`): what is left of the SNS limit after the e-mail text and the attributes.
 * Measured escaped, because every quote of the body costs a backslash there.
 */
export const SNS_BODY_LIMIT_BYTES = SNS_MESSAGE_LIMIT_BYTES - EMAIL_TEXT_LIMIT_BYTES - ATTRIBUTES_RESERVE_BYTES;
/** SNS subjects: at most 100 printable ASCII characters, no line breaks. */
export const SNS_SUBJECT_LIMIT = 100;
/**
 * Largest UTF-8 text of any one value, message or fix command an alert carries; a longer one (a
 * 1 MiB ConfigMap entry) travels as a preview with its length and SHA-256, and the report link has it
 * in full. Keeps one big value from pushing every other transition out of the body, and bounds what
 * Slack and Chatbot, which render from this body, print per value.
 */
export const ALERT_VALUE_PREVIEW_BYTES = VALUE_PREVIEW_BYTES;

/**
 * One transition as it travels in the alert body. Values are already redacted by the engine, and
 * bounded to {@link ALERT_VALUE_PREVIEW_BYTES} each.
 */
export interface TransitionMessage {
  readonly kind: TransitionKind;
  readonly findingId: string;
  readonly type: Finding['type'];
  readonly severity: Severity;
  readonly environment: string;
  readonly tier?: string;
  readonly region?: string;
  readonly account?: string;
  readonly key: string;
  readonly message: string;
  readonly expected?: ShownValue;
  readonly actual?: ShownValue;
  readonly provenance: readonly Provenance[];
  readonly fixes: Finding['fixes'];
  readonly firstSeen: string;
  readonly at: string;
  readonly previous?: Transition['previous'];
}

/**
 * The documented JSON body of an alert (`schema: drift-audit.run/1`). When the full body would not fit
 * in one SNS message, `truncated` is true, `transitions` holds only the worst ones that fit, and
 * `report` points at the full report object in S3.
 */
export interface RunMessageBody {
  readonly schema: typeof RUN_MESSAGE_SCHEMA;
  readonly run: {
    readonly runId: string;
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly status: RunSummary['status'];
    readonly baselineVersion?: string;
    readonly environments: readonly string[];
    readonly sourcesRead: number;
    readonly sourcesFailed: readonly { readonly id: string; readonly code: string; readonly message: string }[];
    readonly counts: RunSummary['counts'];
    readonly transitions: RunSummary['transitions'];
    readonly apiCalls: RunSummary['apiCalls'];
    readonly error?: RunSummary['error'];
  };
  readonly report?: { readonly s3Uri: string; readonly consoleUrl?: string };
  readonly truncated: boolean;
  readonly transitionCount: number;
  /**
   * All of the run's transitions (not only those carried) by severity, so a truncated body still says
   * what it left out. Absent from bodies built before it existed.
   */
  readonly transitionSeverities?: Readonly<Record<Severity, number>>;
  readonly transitions: readonly TransitionMessage[];
}

/** SNS message attributes for subscription filter policies (`{"severities": ["critical"]}`). */
export interface RunMessageAttributes {
  readonly schema: string;
  readonly status: string;
  readonly maxSeverity: string;
  readonly severities: readonly string[];
  readonly environments: readonly string[];
  readonly regions: readonly string[];
  readonly types: readonly string[];
  readonly transitionKinds: readonly string[];
}

/** A ready-to-publish alert. */
export interface RunMessage {
  readonly subject: string;
  readonly body: string;
  readonly attributes: RunMessageAttributes;
  readonly truncated: boolean;
}

/** Where the full report of the run is stored, for links in alerts. */
export interface ReportLocation {
  readonly bucket: string;
  readonly key: string;
  readonly region?: string;
}

/**
 * Builds the one alert a run sends: a human subject ("3 new drifts in production-eu, 1 resolved"),
 * the versioned JSON body and filterable attributes. Returns undefined when the run has nothing to
 * say (no transitions and not failed): alerts are sent on transitions only.
 */
export function buildRunMessage(run: RunSummary, transitions: readonly Transition[], report?: ReportLocation): RunMessage | undefined {
  if (transitions.length === 0 && run.status !== 'failed') return undefined;
  const ordered = [...transitions].sort(byUrgency);
  const messages = ordered.map(toTransitionMessage);
  const reportRef = report === undefined ? undefined : reportReference(report);
  const severities = countSeverities(messages);
  const full = bodyOf(run, messages, severities, false, reportRef);
  let body = JSON.stringify(full);
  let truncated = false;
  if (escapedBytes(body) > SNS_BODY_LIMIT_BYTES) {
    truncated = true;
    body = JSON.stringify(fitWithin(run, messages, severities, reportRef));
  }
  return { subject: subjectOf(run, transitions), body, attributes: attributesOf(run, transitions), truncated };
}

function bodyOf(
  run: RunSummary,
  transitions: readonly TransitionMessage[],
  severities: Record<Severity, number>,
  truncated: boolean,
  report: RunMessageBody['report'],
): RunMessageBody {
  const transitionCount = SEVERITIES.reduce((sum, severity) => sum + severities[severity], 0);
  return {
    schema: RUN_MESSAGE_SCHEMA,
    run: {
      runId: run.runId,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      status: run.status,
      ...(run.baselineVersion === undefined ? {} : { baselineVersion: run.baselineVersion }),
      environments: run.environments,
      sourcesRead: run.sources.filter((source) => source.status === 'ok').length,
      sourcesFailed: run.sources
        .filter((source) => source.status === 'error')
        .map((source) => ({ id: source.id, code: source.error?.code ?? 'unknown', message: source.error?.message ?? '' })),
      counts: run.counts,
      transitions: run.transitions,
      apiCalls: run.apiCalls,
      ...(run.error === undefined ? {} : { error: run.error }),
    },
    ...(report === undefined ? {} : { report }),
    truncated,
    transitionCount,
    transitionSeverities: severities,
    transitions,
  };
}

/** Keeps the most urgent transitions that fit, so the alert still says what matters most. */
function fitWithin(
  run: RunSummary,
  messages: readonly TransitionMessage[],
  severities: Record<Severity, number>,
  report: RunMessageBody['report'],
): RunMessageBody {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const size = escapedBytes(JSON.stringify(bodyOf(run, messages.slice(0, mid), severities, true, report)));
    if (size <= SNS_BODY_LIMIT_BYTES) low = mid;
    else high = mid - 1;
  }
  return bodyOf(run, messages.slice(0, low), severities, true, report);
}

/** UTF-8 bytes of `body` as a JSON string value: its size inside the per-protocol envelope. */
function escapedBytes(body: string): number {
  return Buffer.byteLength(JSON.stringify(body));
}

function toTransitionMessage(transition: Transition): TransitionMessage {
  const { finding } = transition;
  return boundStrings<TransitionMessage>(
    {
      kind: transition.kind,
      findingId: finding.id,
      type: finding.type,
      severity: finding.severity,
      environment: finding.environment,
      ...(finding.tier === undefined ? {} : { tier: finding.tier }),
      ...(finding.region === undefined ? {} : { region: finding.region }),
      ...(finding.account === undefined ? {} : { account: finding.account }),
      key: finding.key,
      message: finding.message,
      ...(finding.expected === undefined ? {} : { expected: finding.expected }),
      ...(finding.actual === undefined ? {} : { actual: finding.actual }),
      provenance: finding.provenance,
      fixes: finding.fixes,
      firstSeen: transition.firstSeen,
      at: transition.at,
      ...(transition.previous === undefined ? {} : { previous: transition.previous }),
    },
    ALERT_VALUE_PREVIEW_BYTES,
  );
}

const KIND_ORDER: Record<TransitionKind, number> = { opened: 0, escalated: 1, changed: 2, resolved: 3 };

function byUrgency(a: Transition, b: Transition): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    SEVERITIES.indexOf(b.finding.severity) - SEVERITIES.indexOf(a.finding.severity) ||
    a.finding.id.localeCompare(b.finding.id)
  );
}

/**
 * "CRITICAL: 3 new drifts in 2 environments, 1 resolved" (at most 100 ASCII characters): the worst
 * severity of what is still open leads, so an inbox or a phone shows it before anything else; a run
 * that only resolved drift names no severity.
 */
export function subjectOf(run: RunSummary, transitions: readonly Transition[]): string {
  if (run.status === 'failed' && transitions.length === 0) {
    return clampSubject(`drift-audit run failed: ${run.error?.code ?? 'error'}`);
  }
  const count = (kind: TransitionKind) => transitions.filter((transition) => transition.kind === kind).length;
  const opened = count('opened');
  const changed = count('changed') + count('escalated');
  const resolved = count('resolved');
  const active = transitions.filter((transition) => transition.kind !== 'resolved');
  const environments = [...new Set((active.length > 0 ? active : transitions).map((t) => t.finding.environment))].sort();
  const where = environments.length === 1 ? ` in ${environments[0]}` : environments.length > 1 ? ` in ${environments.length} environments` : '';
  const parts: string[] = [];
  if (opened > 0) parts.push(`${opened} new drift${opened === 1 ? '' : 's'}${where}`);
  if (changed > 0) parts.push(`${changed} changed${opened === 0 ? where : ''}`);
  if (resolved > 0) parts.push(`${resolved} resolved${opened + changed === 0 ? where : ''}`);
  const partial = run.status === 'partial' ? ' (partial run)' : '';
  // The baseline was rejected but the run audited against the last valid one: say both.
  const failed = run.status === 'failed' ? `${run.error?.code ?? 'run failed'}; ` : '';
  const worst = worstSeverity(active.map((transition) => transition.finding.severity));
  const severity = worst === undefined ? '' : `${worst.toUpperCase()}: `;
  return clampSubject(`${severity}${failed}${parts.join(', ') || 'drift-audit run'}${partial}`);
}

function clampSubject(subject: string): string {
  // SNS rejects non-ASCII and control characters in subjects.
  const ascii = subject.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= SNS_SUBJECT_LIMIT ? ascii : `${ascii.slice(0, SNS_SUBJECT_LIMIT - 3)}...`;
}

function attributesOf(run: RunSummary, transitions: readonly Transition[]): RunMessageAttributes {
  const distinct = (values: readonly (string | undefined)[]) => [...new Set(values.filter((value): value is string => value !== undefined))].sort();
  const severities = distinct(transitions.map((transition) => transition.finding.severity));
  const maxSeverity = worstSeverity(transitions.map((transition) => transition.finding.severity));
  return {
    schema: RUN_MESSAGE_SCHEMA,
    status: run.status,
    maxSeverity: maxSeverity ?? (run.status === 'failed' ? 'high' : 'info'),
    severities,
    environments: distinct(transitions.map((transition) => transition.finding.environment)),
    regions: distinct(transitions.map((transition) => transition.finding.region)),
    types: distinct(transitions.map((transition) => transition.finding.type)),
    transitionKinds: distinct(transitions.map((transition) => transition.kind)),
  };
}

/** Where a report is, as an S3 URI and a console link. */
export function reportReference(report: ReportLocation): NonNullable<RunMessageBody['report']> {
  const region = report.region === undefined ? '' : `&region=${encodeURIComponent(report.region)}`;
  return {
    s3Uri: `s3://${report.bucket}/${report.key}`,
    consoleUrl: `https://s3.console.aws.amazon.com/s3/object/${encodeURIComponent(report.bucket)}?prefix=${encodeURIComponent(report.key)}${region}`,
  };
}

import pc from 'picocolors';
import type { Explanation, ExplainedObservation, ExpectedFrom } from '../../engine/analyse/explain.js';
import type { Constraints, Severity, ShownValue, SourceLayer } from '../../engine/model.js';
import { compareText, findingJson, ordered, provenanceJson, shown } from './finding-json.js';
import { formatBaselineEdit } from './format-baseline-edit.js';
import { formatProvenance } from './format-provenance.js';
import { compareFindings } from './report-view.js';
import { describeSecretFormat } from '../../engine/secrets/secret-format.js';
import { shownText } from './shown-value.js';
import { terminalBlock, terminalText } from './terminal-text.js';
import { wrapText } from './wrap-text.js';

/** The `schema` value of `explain --json` output. */
export const EXPLANATION_SCHEMA_ID = 'drift-audit.explanation/1';

/** Options for {@link renderExplanationTerminal}. */
export interface ExplanationTerminalOptions {
  readonly color: boolean;
  /** Columns to wrap prose at. @default 100 */
  readonly width?: number;
}

const EXPECTED_FROM: Readonly<Record<ExpectedFrom, (e: Explanation) => string>> = {
  environment: (e) => `declared for ${e.environment}`,
  tier: (e) => `declared for tier ${e.tier}`,
  shared: () => 'the shared value',
  exception: () => 'allowed by an exception',
  undeclared: (e) => (e.setting.declared ? 'no value declared' : 'not declared in the baseline'),
};

const MARKERS: Readonly<Record<Severity, string>> = { critical: '✖', high: '▲', medium: '◆', low: '●', info: '○' };

/**
 * Observations highest precedence first (the order the application resolves them in), each layer's
 * own observations by location; layers missing from the precedence go last. The engine already
 * orders them so; sorting again keeps the output stable whatever order they come in.
 */
function byPrecedence(e: Explanation): ExplainedObservation[] {
  const rank = (layer: SourceLayer): number => {
    const at = e.precedence.indexOf(layer);
    return at < 0 ? e.precedence.length : at;
  };
  return [...e.observations].sort(
    (a, b) =>
      Number(b.effective) - Number(a.effective) ||
      rank(a.layer) - rank(b.layer) ||
      compareText(a.provenance.location, b.provenance.location) ||
      compareText(a.provenance.source, b.provenance.source),
  );
}

/** `type duration, 1..60, one of a|b, pattern ^x$`, or undefined when there is none. */
function describeConstraints(c: Constraints): string | undefined {
  const parts: string[] = [];
  if (c.type !== undefined) parts.push(`type ${c.type}`);
  if (c.min !== undefined && c.max !== undefined) parts.push(`${c.min}..${c.max}`);
  else if (c.min !== undefined) parts.push(`min ${c.min}`);
  else if (c.max !== undefined) parts.push(`max ${c.max}`);
  if (c.enum !== undefined) parts.push(`one of ${c.enum.join('|')}`);
  if (c.pattern !== undefined) parts.push(`pattern ${c.pattern}`);
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** One line of what the baseline says about the key. */
function describeSetting(e: Explanation): string {
  const s = e.setting;
  if (!s.declared) {
    return s.detected === undefined
      ? 'not declared in the baseline'
      : `not declared in the baseline · secret (the value looks like ${describeSecretFormat(s.detected)})`;
  }
  const parts: string[] = [];
  if (s.location !== undefined) parts.push(`declared at ${s.location.file}:${s.location.line}:${s.location.column}`);
  else parts.push('declared');
  if (s.severity !== undefined) parts.push(`severity ${s.severity}`);
  parts.push(s.required ? 'required' : 'optional');
  if (s.secret) parts.push(s.detected === undefined ? 'secret' : `secret (the value looks like ${describeSecretFormat(s.detected)})`);
  if (s.parity !== 'none') parts.push(`parity across ${s.parity === 'all' ? 'all environments' : 'the tier'}`);
  if (s.layer !== undefined) parts.push(`lives in ${s.layer}`);
  const constraints = describeConstraints(s.constraints);
  if (constraints !== undefined) parts.push(`constraints: ${constraints}`);
  return parts.join(' · ');
}

/** The layers a failed source would have supplied: their absence proves nothing. */
function unknownLayers(e: Explanation): Set<SourceLayer> {
  return new Set(e.failedSources.flatMap((s) => s.layers));
}

/**
 * `explain` for a terminal: what the baseline declares and expects (and from where), the effective
 * value, every layer highest precedence first with each source's value and provenance, layers with no
 * value marked "not set" (or "unknown" when a source that feeds them failed), exceptions, and the
 * key's findings with their fixes. Secrets print as `[secret]`; control characters are escaped.
 */
export function renderExplanationTerminal(e: Explanation, options: ExplanationTerminalOptions): string {
  const c = pc.createColors(options.color);
  const width = Math.max(40, options.width ?? 100);
  const out: string[] = [];
  const show = (v: ShownValue | undefined, missing: string): string =>
    v === undefined ? c.dim(missing) : v.secret ? c.magenta(shownText(v)) : c.bold(terminalText(shownText(v)));
  /** Wrapped text after `first`; later lines indented to `rest` (two more columns than `first` by default). */
  const prose = (text: string, first: string, paint: (t: string) => string = (t) => t, rest = `${first}  `): void => {
    for (const [i, line] of wrapText(terminalText(text), width - Math.max(first.length, rest.length)).entries()) {
      out.push(`${i === 0 ? first : rest}${paint(line)}`);
    }
  };

  const of = e.application === undefined ? '' : ` of ${c.bold(terminalText(e.application))}`;
  out.push(`${c.bold(terminalText(e.key))}${of} in ${c.bold(terminalText(e.environment))} ${c.dim(`(tier ${terminalText(e.tier)})`)}`);
  out.push('');
  prose(describeSetting(e), '  baseline   ', undefined, ' '.repeat(13));
  out.push(`  expected   ${show(e.expected, '(none)')}  ${c.dim(EXPECTED_FROM[e.expectedFrom](e))}`);
  const winner = e.observations.find((o) => o.effective);
  const from = winner === undefined ? '' : `  ${c.dim(`from ${winner.layer}`)}`;
  const notSet = e.complete ? '(not set: the application falls back to its own default)' : '(unknown: a source could not be read)';
  out.push(`  effective  ${show(e.effective, notSet)}${from}`);
  if (!e.complete) {
    out.push('');
    prose(`Incomplete: not every source of ${e.environment} could be read, so a value absent here may still be set.`, '  ', (t) => c.yellow(t));
    for (const s of [...e.failedSources].sort((a, b) => compareText(a.id, b.id))) {
      const reason = s.error === undefined ? 'unknown error' : `${s.error.code}: ${s.error.message}`;
      prose(`! ${s.id} — ${reason}`, '    ');
    }
  }
  out.push('');

  const observations = byPrecedence(e);
  const layers = [...e.precedence];
  for (const o of observations) if (!layers.includes(o.layer)) layers.push(o.layer);
  const pad = Math.max(...layers.map((l) => l.length));
  const unknown = unknownLayers(e);
  out.push(c.bold('  Sources, highest precedence first'));
  for (const layer of layers) {
    const here = observations.filter((o) => o.layer === layer);
    if (here.length === 0) {
      const state = unknown.has(layer) ? c.yellow('unknown: its source could not be read') : c.dim('not set');
      out.push(`    ${c.dim(layer.padEnd(pad))}  ${state}`);
      continue;
    }
    for (const o of here) {
      const mark = o.effective ? c.green('▶') : ' ';
      const tag = o.effective ? `  ${c.green('← effective')}` : '';
      out.push(`  ${mark} ${layer.padEnd(pad)}  ${show(o.value, '')}${tag}`);
      const indent = ' '.repeat(pad + 6);
      prose(`from ${formatProvenance(o.provenance, { dateStyle: 'iso', detailed: true })}`, indent);
      // The platform decided, not the precedence: say which rule, so nobody "fixes" the winner away.
      if (o.overriddenBy !== undefined) prose(`never seen by the process: ${o.overriddenBy}`, indent, (t) => c.yellow(t));
    }
  }
  out.push(c.dim(`  Precedence, highest first: ${e.precedence.join(' > ')}`));

  if (e.pods.length > 0) {
    out.push('');
    const restart = e.pods.filter((pod) => pod.restartNeeded).length;
    const summary = restart === 0 ? 'each started from the current source' : `${restart} need a restart to see the current value`;
    out.push(`${c.bold(`  Running pods (${e.pods.length})`)}  ${c.dim(summary)}`);
    for (const pod of e.pods) {
      const started = pod.startedAt === undefined ? 'start time unknown' : `started ${pod.startedAt}`;
      const template = pod.templateCurrent === false ? ', older template' : '';
      const source =
        pod.readFrom === undefined ? '' : `; read from ${pod.readFrom}${pod.sourceChangedAt === undefined ? '' : ` (changed ${pod.sourceChangedAt})`}`;
      const line = `${pod.namespace}/${pod.name} (${pod.workload}) ${started}${template}${source}`;
      prose(line, pod.restartNeeded ? '    ! ' : '      ', pod.restartNeeded ? (t) => c.yellow(t) : undefined, '        ');
    }
  }

  if (e.exceptions.length > 0) {
    out.push('');
    out.push(c.bold(`  Exceptions (${e.exceptions.length})`));
    for (const x of e.exceptions) {
      const allows = x.value === undefined ? 'any value' : shownText(x.value);
      const state = x.active ? 'active' : 'expired';
      prose(`${state}: ${allows} until ${x.expires}, owned by ${x.owner}: ${x.reason}`, '    ', x.active ? undefined : (t) => c.yellow(t));
    }
  }
  out.push('');

  const findings = [...e.findings].sort(compareFindings);
  if (findings.length === 0) {
    const none = `  No finding for ${terminalText(e.key)} in ${terminalText(e.environment)}`;
    out.push(e.complete ? c.green(`${none}.`) : c.yellow(`${none} in the sources that were read.`));
  } else {
    out.push(c.bold(`  Findings (${findings.length})`));
    for (const f of findings) {
      out.push(`    ${MARKERS[f.severity]} ${f.severity.toUpperCase()}  ${f.type}  ${c.dim(terminalText(f.id))}`);
      prose(f.message, '      ');
      if (f.expected !== undefined || f.actual !== undefined) {
        out.push(`      expected ${show(f.expected, '(not declared)')} → actual ${show(f.actual, '(absent)')}`);
      }
      for (const [label, fix] of [
        ['revert', f.fixes.revert],
        ['accept', f.fixes.accept],
      ] as const) {
        if (fix === undefined) continue;
        prose(`${label}: ${fix.summary}`, '      ');
        if (fix.command !== undefined) {
          terminalBlock(fix.command).forEach((line, i) => {
            out.push(`        ${c.cyan(`${i === 0 ? '$' : ' '} ${line}`)}`);
          });
        }
        if (fix.baselineEdit !== undefined) out.push(`        ${c.green(terminalText(formatBaselineEdit(fix.baselineEdit)))}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

/**
 * `explain --json`: `schema: "drift-audit.explanation/1"` and every field of the engine's
 * `Explanation`, observations highest precedence first, findings as in the report JSON, every
 * secret value as `[secret]`. Fields in a fixed order for stable bytes.
 */
export function renderExplanationJson(e: Explanation): string {
  const body = ordered(
    {
      schema: EXPLANATION_SCHEMA_ID,
      ...e,
      setting: ordered(e.setting, ['declared', 'secret', 'detected', 'required', 'parity', 'severity', 'layer', 'constraints', 'location']),
      expected: shown(e.expected),
      effective: shown(e.effective),
      precedence: [...e.precedence],
      observations: byPrecedence(e).map((o) =>
        ordered({ ...o, value: shown(o.value), provenance: provenanceJson(o.provenance) }, ['layer', 'effective', 'overriddenBy', 'value', 'provenance']),
      ),
      exceptions: e.exceptions.map((x) => ordered({ ...x, value: shown(x.value) }, ['active', 'value', 'owner', 'reason', 'expires', 'location'])),
      failedSources: [...e.failedSources]
        .sort((a, b) => compareText(a.id, b.id))
        .map((s) => ordered(s, ['id', 'kind', 'layers', 'status', 'itemCount', 'error', 'warnings'])),
      findings: [...e.findings].sort(compareFindings).map(findingJson),
      pods: e.pods.map((pod) =>
        ordered(pod, ['namespace', 'name', 'workload', 'startedAt', 'templateCurrent', 'readFrom', 'sourceChangedAt', 'restartNeeded']),
      ),
    },
    [
      'schema',
      'environment',
      'tier',
      'application',
      'key',
      'complete',
      'setting',
      'expected',
      'expectedFrom',
      'effective',
      'precedence',
      'observations',
      'exceptions',
      'failedSources',
      'findings',
      'pods',
    ],
  );
  return `${JSON.stringify(body, null, 2)}\n`;
}

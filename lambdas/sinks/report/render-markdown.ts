import type { Finding, Fix, Provenance, Severity, ShownValue, Transition } from '../../engine/model.js';
import { escapeMarkdown, markdownCode, markdownFence } from './escape.js';
import { formatBaselineEditYaml } from './format-baseline-edit.js';
import { formatProvenance } from './format-provenance.js';
import type { ReportInput } from './report-input.js';
import { SEVERITIES_WORST_FIRST, describeCounts, plural, summarySentence, toReportView } from './report-view.js';
import type { EnvironmentView, ReportView } from './report-view.js';
import { shownText } from './shown-value.js';

/** Options for {@link renderMarkdown}. */
export interface MarkdownOptions {
  /**
   * Longest output wanted, in characters. Findings that do not fit are left out, lowest severity
   * last to go, with a line saying how many; the summary and the tables always stay. GitHub caps PR
   * comments at 65,536 characters and a job's step summary at 1 MiB.
   * @default no limit
   */
  readonly maxChars?: number;
  /** Link to the full report (the HTML in S3, say), shown when findings are left out and at the end. */
  readonly reportUrl?: string;
}

const EMOJI: Readonly<Record<Severity, string>> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
};

function title(severity: Severity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

function value(v: ShownValue | undefined, missing: string): string {
  if (v === undefined) return `_${missing}_`;
  return v.secret ? `${markdownCode(shownText(v))} (secret)` : markdownCode(shownText(v));
}

function provenanceLine(p: Provenance): string {
  return formatProvenance(p, {
    dateStyle: 'iso',
    literal: markdownCode,
    prose: escapeMarkdown,
    outOfBand: (text) => `**${text}**`,
  });
}

function fixLines(label: string, fix: Fix): string[] {
  const lines = [`**${label}:** ${escapeMarkdown(fix.summary)}`];
  if (fix.baselineEdit !== undefined) lines.push('', markdownFence(formatBaselineEditYaml(fix.baselineEdit).trimEnd(), 'yaml'));
  if (fix.command !== undefined) lines.push('', markdownFence(fix.command, 'sh'));
  return lines;
}

function transitionTag(t: Transition | undefined): string {
  if (t === undefined) return '';
  const since = `open since ${escapeMarkdown(t.firstSeen.slice(0, 10))}`;
  switch (t.kind) {
    case 'opened':
      return ` · **new**`;
    case 'escalated':
      return ` · **escalated**${t.previous === undefined ? '' : ` from ${t.previous.severity}`}, ${since}`;
    case 'changed':
      return ` · **changed**, ${since}`;
    case 'resolved':
      return '';
  }
}

/**
 * A link destination that cannot break out of `(<...>)`: characters Markdown or HTML would act on are
 * percent-encoded one by one, leaving existing escapes (`%2F` in a presigned URL) as they are.
 */
function markdownUrl(url: string): string {
  return `<${url.replace(/[\s<>"'`()\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>`;
}

function findingBlock(f: Finding, transition: Transition | undefined): string {
  const lines = [
    `#### ${EMOJI[f.severity]} ${title(f.severity)} · ${escapeMarkdown(f.type)} · ${markdownCode(f.key)}${transitionTag(transition)}`,
    '',
    escapeMarkdown(f.message),
    '',
  ];
  const facts: string[] = [];
  if (f.expected !== undefined || f.actual !== undefined) {
    facts.push(`- **Expected** ${value(f.expected, 'not declared')} → **actual** ${value(f.actual, 'absent')}`);
  }
  if (f.comparedWith !== undefined) {
    const pairs = Object.keys(f.comparedWith)
      .sort()
      .map((env) => `${escapeMarkdown(env)} ${value(f.comparedWith?.[env], 'absent')}`);
    facts.push(`- **Compared with:** ${pairs.join(' · ')}`);
  }
  f.provenance.forEach((p, i) => {
    facts.push(`- **${i === 0 ? 'Source' : 'Also'}:** ${provenanceLine(p)}`);
  });
  facts.push(`- **Id:** ${markdownCode(f.id)}`);
  lines.push(...facts);
  if (f.fixes.revert !== undefined) lines.push('', ...fixLines('Revert', f.fixes.revert));
  if (f.fixes.accept !== undefined) lines.push('', ...fixLines('Accept', f.fixes.accept));
  return lines.join('\n');
}

function environmentHeading(env: EnvironmentView): string {
  const facts = [env.tier, env.region, env.account].filter((f): f is string => f !== undefined);
  const partial = env.complete ? '' : ' · ⚠️ partial: keys absent here are unknown, not missing';
  return `### ${escapeMarkdown(env.name)} · ${escapeMarkdown(facts.join(' · '))}${partial}`;
}

function statusLine(view: ReportView): string {
  if (view.status === 'partial') return `⚠️ Incomplete audit, ${describeCounts(view.totals, view.findingCount)}`;
  if (view.findingCount === 0) return '✅ No drift';
  return `❌ ${describeCounts(view.totals, view.findingCount)}`;
}

/** The line right under the title: whether every source was read, in words a script can grep for. */
function completeLine(view: ReportView): string {
  if (view.status === 'ok') return '**complete: true** · every source read';
  const unread = view.failedSources.length > 0 ? `${view.failedSources.length} of ${plural(view.sourcesTotal, 'source')}` : 'some sources';
  return `**complete: false** · ${unread} could not be read`;
}

function headBlock(input: ReportInput, view: ReportView): string {
  const lines = [`## drift-audit: ${statusLine(view)}`, '', completeLine(view), ''];
  const facts = [`Generated ${escapeMarkdown(input.generatedAt)}`];
  if (input.baselineVersion !== undefined) facts.push(`baseline ${markdownCode(input.baselineVersion)}`);
  facts.push(`${view.sourcesRead} of ${plural(view.sourcesTotal, 'source')} read`);
  lines.push(facts.join(' · '), '');
  if (input.filter !== undefined) {
    const { description, shown, total } = input.filter;
    lines.push(`Showing ${shown} of ${plural(total, 'finding')}: ${escapeMarkdown(description)}.`, '');
  }
  if (view.status === 'partial') {
    const where =
      view.partialEnvironments.length > 0
        ? `keys absent in ${view.partialEnvironments.map(escapeMarkdown).join(', ')} are unknown, not missing`
        : 'keys absent there are unknown, not missing';
    lines.push(
      '> [!WARNING]',
      `> **Partial audit:** ${view.failedSources.length > 0 ? plural(view.failedSources.length, 'source') : 'some sources'} could not be read; ${where}.`,
    );
    for (const s of view.failedSources) {
      const reason = s.error === undefined ? 'unknown error' : `${s.error.code}: ${s.error.message}`;
      lines.push(`> - ${markdownCode(s.id)}: ${escapeMarkdown(reason)}`);
    }
    lines.push('');
  }
  lines.push(
    `| Environment | Tier | Region | ${SEVERITIES_WORST_FIRST.map(title).join(' | ')} | Sources |`,
    `|---|---|---|${SEVERITIES_WORST_FIRST.map(() => '--:').join('|')}|---|`,
  );
  for (const env of view.environments) {
    const counts = SEVERITIES_WORST_FIRST.map((s) => String(env.counts[s]));
    lines.push(
      `| ${escapeMarkdown(env.name)} | ${escapeMarkdown(env.tier)} | ${escapeMarkdown(env.region ?? '')} | ${counts.join(' | ')} | ${env.complete ? 'all read' : '⚠️ partial'} |`,
    );
  }
  const totals = SEVERITIES_WORST_FIRST.map((s) => `**${view.totals[s]}**`);
  lines.push(`| **Total** | | | ${totals.join(' | ')} | |`);
  return lines.join('\n');
}

function resolvedBlock(resolved: readonly Transition[]): string {
  const lines = [`### ✅ Resolved (${resolved.length})`, ''];
  for (const t of resolved) {
    const f = t.finding;
    lines.push(
      `- ${escapeMarkdown(f.type)} ${markdownCode(f.key)} in ${escapeMarkdown(f.environment)} (was ${f.severity}, open since ${escapeMarkdown(t.firstSeen.slice(0, 10))})`,
    );
  }
  return lines.join('\n');
}

/**
 * The report as GitHub Markdown, for PR comments and `$GITHUB_STEP_SUMMARY`: a summary table per
 * environment and severity, then findings grouped by environment (worst first) with expected and
 * actual, provenance and both fixes in code blocks, closed by the same summary sentence as the terminal.
 * The first line under the title is `complete: true` or `complete: false`.
 *
 * Every untrusted string is escaped for GitHub: no HTML, table break, `@mention` or markup gets
 * through, and code fences are longer than any backtick run they hold. A partial run says which
 * sources could not be read and never says "no drift".
 */
export function renderMarkdown(input: ReportInput, options: MarkdownOptions = {}): string {
  const view = toReportView(input);
  const link = options.reportUrl === undefined ? undefined : `[full report](${markdownUrl(options.reportUrl)})`;
  const closing = [`---`, '', `**${escapeMarkdown(summarySentence(view))}**${link === undefined ? '' : ` · ${link}`}`].join('\n');

  // Blocks in reading order; an environment heading is only written above a finding that fits.
  const head = headBlock(input, view);
  const tail: string[] = [];
  if (view.resolved.length > 0) tail.push(resolvedBlock(view.resolved));
  tail.push(closing);
  const budget = options.maxChars ?? Number.POSITIVE_INFINITY;
  const notice = (n: number): string =>
    `_${plural(n, 'more finding')} not shown to stay within ${options.maxChars ?? 0} characters${link === undefined ? '' : `; see the ${link}`}._`;
  const reserve = notice(view.findingCount).length + 4;

  const parts = [head];
  let used = head.length + tail.reduce((n, t) => n + t.length + 2, 0);
  let omitted = 0;
  for (const env of view.environments) {
    if (env.findings.length === 0) continue;
    let headingWritten = false;
    for (const f of env.findings) {
      const block = findingBlock(f, view.transitionsByFinding.get(f.id));
      const heading = headingWritten ? '' : environmentHeading(env);
      const cost = block.length + 2 + (heading.length > 0 ? heading.length + 2 : 0);
      if (omitted > 0 || used + cost + reserve > budget) {
        omitted += 1;
        continue;
      }
      if (heading.length > 0) parts.push(heading);
      headingWritten = true;
      parts.push(block);
      used += cost;
    }
  }
  if (omitted > 0) parts.push(notice(omitted));
  parts.push(...tail);
  return `${parts.join('\n\n')}\n`;
}

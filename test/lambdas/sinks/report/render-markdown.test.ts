import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../../support/run-cli.js';
import { renderMarkdown } from '../../../../lambdas/sinks/report/index.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';
import { expectGolden } from './golden.js';
import { hostileRun } from './hostile-fixture.js';
import { FINDINGS, cleanRun, countsOf, partialRun } from './report-fixture.js';

/** The document with its fenced code blocks removed (their content is shown, never interpreted). */
function outsideFences(markdown: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opener = /^(`{3,})/.exec(line)?.[1];
    if (fence === undefined && opener !== undefined) fence = opener;
    else if (fence !== undefined && line === fence) fence = undefined;
    else if (fence === undefined) kept.push(line);
  }
  return kept.join('\n');
}

/** Table rows of the document: lines starting with `|`. */
function tableRows(markdown: string): string[] {
  return outsideFences(markdown)
    .split('\n')
    .filter((line) => line.startsWith('|'));
}

/** Cell separators GFM sees: pipes not preceded by a backslash. */
function cellSeparators(row: string): number {
  return [...row.matchAll(/(?<!\\)\|/g)].length;
}

describe('Function: renderMarkdown', () => {
  it('renders the realistic partial run with transitions as in the golden file', () => {
    // Act
    const text = renderMarkdown(partialRun({ transitions: true }));

    // Assess
    expectGolden('report.md', text);
  });

  it('starts with a summary table per environment and severity, then findings grouped by environment', () => {
    // Act
    const text = renderMarkdown(partialRun());

    // Assess
    expect(text).toContain('| Environment | Tier | Region | Critical | High | Medium | Low | Info | Sources |');
    expect(text).toContain('| production-us | production | us-east-1 | 1 | 1 | 1 | 2 | 0 | all read |');
    expect(text).toContain('| production-eu | production | eu-west-1 | 0 | 1 | 1 | 0 | 0 | ⚠️ partial |');
    const sections = [...text.matchAll(/^### (\S+)/gm)].map((m) => m[1]);
    expect(sections).toEqual(['production-us', 'production-eu', 'staging-us']);
    expect(text.indexOf('| Environment |')).toBeLessThan(text.indexOf('### production-us'));
  });

  it('puts fix commands and baseline edits in code blocks', () => {
    // Act
    const text = renderMarkdown(partialRun());

    // Assess
    expect(text).toContain('```sh\naws ssm put-parameter --region us-east-1 --name /production-us/api/DB_TIMEOUT --type String --value 10s --overwrite\n```');
    expect(text).toContain(
      '```yaml\n# set settings.DB_TIMEOUT.environments.production-us\nsettings:\n  DB_TIMEOUT:\n    environments:\n      production-us: 60s\n```',
    );
  });

  it('never says "no drift" for a partial run and names the source that could not be read', () => {
    // Prepare
    const partial = partialRun();
    const empty: ReportInput = { ...partial, result: { ...partial.result, findings: [], counts: countsOf([]) } };

    // Act
    const outputs = [partial, empty].map((input) => renderMarkdown(input));

    // Assess
    for (const text of outputs) {
      expect(text).not.toMatch(/no drift/i);
      expect(text).toContain('> [!WARNING]');
      expect(text).toContain('<code>ssm:eu-west-1:/production-eu/api/</code>');
      expect(text).toContain('keys absent in production-eu are unknown, not missing');
    }
  });

  it('says "No drift" for a clean complete run', () => {
    // Act
    const text = renderMarkdown(cleanRun());

    // Assess
    expect(text).toMatch(/^## drift-audit: ✅ No drift/);
    expect(text).toContain('**No drift: 3 environments, 6 sources read.**');
  });

  it('shows a secret as [secret] whatever text the value carries', () => {
    // Prepare
    const base = partialRun();
    const leaky = FINDINGS.map((f) => (f.actual?.secret === true ? { ...f, actual: { text: 'sk_live_CANARY', secret: true } } : f));

    // Act
    const text = renderMarkdown({ ...base, result: { ...base.result, findings: leaky } });

    // Assess
    expect(text).not.toContain('sk_live_CANARY');
    expect(text).toContain('<code>\\[secret\\]</code> (secret)');
  });

  describe('given hostile values', () => {
    const text = renderMarkdown(hostileRun());
    const prose = outsideFences(text);

    it('lets no HTML through outside code blocks', () => {
      expect(prose).not.toMatch(/<(?!\/?(code)>)[a-z]/i);
      expect(prose).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(prose).toContain('&lt;img src=x onerror=alert(2)&gt;');
    });

    it('keeps every table row to its columns: a pipe in a value never splits a cell', () => {
      const rows = tableRows(text);
      expect(rows.length).toBeGreaterThan(2);
      const header = cellSeparators(rows[0] ?? '');
      for (const row of rows) expect(cellSeparators(row)).toBe(header);
    });

    it('escapes backticks, links, math and headings in running text', () => {
      expect(prose).not.toMatch(/(?<!\\)`/);
      expect(prose).not.toMatch(/(?<!\\)\[click(?<!\\)\]/);
      expect(prose).not.toMatch(/(?<!\\)\$x/);
      expect(prose).not.toMatch(/^#+ x/m);
      expect(prose).toContain('https&#58;//evil.example');
    });

    it('sets words holding @ in <code> so GitHub mentions nobody', () => {
      expect(prose.replace(/<code>.*?<\/code>/g, '')).not.toContain('@');
      expect(prose).toContain('<code>@octocat</code>');
      expect(prose).toContain('<code>mallory@example.com</code>');
    });

    it('fences a command holding ``` with a longer fence, so it cannot close the block', () => {
      expect(text).toContain("````sh\nkubectl set env deployment/x KEY='<script>alert(1)</script> | ```\n# x");
      expect(text).toMatch(/\$x\$'\n````\n/);
    });

    it('keeps a value with a line break on one line', () => {
      expect(prose).not.toMatch(/^# x/m);
    });
  });

  describe('given maxChars', () => {
    it('leaves out the least severe findings that do not fit, says how many, and keeps the summary', () => {
      // Act
      const text = renderMarkdown(partialRun(), { maxChars: 4000, reportUrl: 'https://reports.example/r.html?a=%2F' });

      // Assess
      expect(text.length).toBeLessThanOrEqual(4000);
      expect(text).toContain('#### 🔴 Critical');
      expect(text).not.toContain('#### ⚪ Info');
      expect(text).toMatch(
        /_\d+ more findings not shown to stay within 4000 characters; see the \[full report\]\(<https:\/\/reports\.example\/r\.html\?a=%2F>\)\._/,
      );
      expect(text).toContain('| **Total** |');
      expect(text.trimEnd().split('\n').at(-1)).toMatch(/^\*\*Incomplete audit/);
    });

    it('keeps every finding when they fit', () => {
      // Act
      const text = renderMarkdown(partialRun(), { maxChars: 1_000_000 });

      // Assess
      expect(text).toBe(renderMarkdown(partialRun()));
    });
  });
});

/** Every ```yaml block of a Markdown document, with the line it starts on. */
function yamlBlocks(markdown: string): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const opener = /^(`{3,})yaml$/.exec(lines[i] ?? '')?.[1];
    if (opener === undefined) continue;
    const end = lines.indexOf(opener, i + 1);
    blocks.push({ line: i + 1, text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

describe('Markdown report: the YAML a reviewer pastes', () => {
  it("parses every ```yaml block of the demo estate's report as YAML", async () => {
    // Act
    const { stdout } = await runCli(['scan', 'config', '--snapshots', 'config/snapshots', '--markdown']);
    const blocks = yamlBlocks(stdout);

    // Assess
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) {
      const errors = parseAllDocuments(block.text).flatMap((doc) => ('errors' in doc ? doc.errors.map((e) => e.message) : ['not a document']));
      expect({ line: block.line, errors }).toEqual({ line: block.line, errors: [] });
    }
  });

  it('writes an accept as the nested YAML of the setting, values as the strings the baseline stores', async () => {
    // Act
    const { stdout } = await runCli(['scan', 'config', '--snapshots', 'config/snapshots', '--markdown']);
    const documents = yamlBlocks(stdout).map((block) => parseAllDocuments(block.text)[0]?.toJS() as unknown);

    // Assess
    expect(documents).toContainEqual({ settings: { API_TIMEOUT: { environments: { 'production-us': '120' } } } });
    expect(documents).toContainEqual({ settings: { INVENTORY_SERVICE_URL: { environments: { 'production-us': null } } } });
    expect(documents).toContainEqual({ applications: { api: { settings: { ENABLE_NEW_CHECKOUT: { environments: { 'production-us': 'true' } } } } } });
  });
});

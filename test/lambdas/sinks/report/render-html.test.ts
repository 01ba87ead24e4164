import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../../../lambdas/sinks/report/index.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';
import { expectGolden } from './golden.js';
import { hostileRun } from './hostile-fixture.js';
import { FINDINGS, cleanRun, countsOf, partialRun } from './report-fixture.js';

function inlineBlocks(html: string, tag: 'script' | 'style'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

describe('Function: renderHtml', () => {
  it('renders the realistic partial run with transitions as in the golden file', () => {
    // Act
    const html = renderHtml(partialRun({ transitions: true }));

    // Assess
    expectGolden('report.html', html);
  });

  it('is one self-contained file: no external stylesheet, script, image or font', () => {
    // Act
    const html = renderHtml(partialRun({ transitions: true }));

    // Assess
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|\bsrc=|@import|url\(/i);
    expect(inlineBlocks(html, 'style')).toHaveLength(1);
    expect(inlineBlocks(html, 'script')).toHaveLength(1);
  });

  it('allows by CSP only its own style and script, by hash', () => {
    // Act
    const html = renderHtml(partialRun());

    // Assess
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(inlineBlocks(html, 'script')[0] ?? '')}`);
    expect(csp).toContain(`style-src ${hash(inlineBlocks(html, 'style')[0] ?? '')}`);
  });

  it('tags each finding with severity and environment for the filter, and hides the filter bar until the script runs', () => {
    // Act
    const html = renderHtml(partialRun());

    // Assess
    expect(html).toContain(
      '<article class="finding sev-critical" id="finding-invalid:production-us:LOG_INCLUDE_SENSITIVE" data-severity="critical" data-env="production-us" data-type="invalid" data-region="us-east-1">',
    );
    expect(html.match(/<article class="finding /g)).toHaveLength(FINDINGS.length);
    expect(html).toContain('<nav class="filters" hidden');
  });

  it('never says "no drift" for a partial run and lists the source that could not be read', () => {
    // Prepare
    const partial = partialRun();
    const empty: ReportInput = { ...partial, result: { ...partial.result, findings: [], counts: countsOf([]) } };

    // Act
    const outputs = [partial, empty].map((input) => renderHtml(input));

    // Assess
    for (const html of outputs) {
      expect(html).not.toMatch(/no drift/i);
      expect(html).toContain('<div class="banner partial">');
      expect(html).toContain('<li><code>ssm:eu-west-1:/production-eu/api/</code>: AccessDenied: ');
    }
  });

  it('says "No drift" for a clean complete run', () => {
    // Act
    const html = renderHtml(cleanRun());

    // Assess
    expect(html).toContain('<div class="banner ok"><strong>No drift: 3 environments, 6 sources read.</strong></div>');
  });

  it('shows a secret as [secret] whatever text the value carries', () => {
    // Prepare
    const base = partialRun();
    const leaky = FINDINGS.map((f) => (f.actual?.secret === true ? { ...f, actual: { text: 'sk_live_CANARY', secret: true } } : f));

    // Act
    const html = renderHtml({ ...base, result: { ...base.result, findings: leaky } });

    // Assess
    expect(html).not.toContain('sk_live_CANARY');
    expect(html).toContain('<code class="secret" title="secret: never shown">[secret]</code>');
  });

  it('escapes hostile values everywhere: text, attributes, title', () => {
    // Act
    const html = renderHtml(hostileRun());

    // Assess
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<i>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('data-env="prod&quot;&gt;&lt;img src=x onerror=alert(2)&gt;|x"');
    expect(html).toContain('<code>&lt;v1&gt;</code>');
  });
});

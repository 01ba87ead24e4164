import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, markdownCode, markdownFence } from '../../../../lambdas/sinks/report/escape.js';
import { formatBaselineEdit } from '../../../../lambdas/sinks/report/format-baseline-edit.js';
import { formatProvenance } from '../../../../lambdas/sinks/report/format-provenance.js';
import { terminalText } from '../../../../lambdas/sinks/report/terminal-text.js';
import { wrapText } from '../../../../lambdas/sinks/report/wrap-text.js';

describe('Function: formatProvenance', () => {
  it('says where a value came from, its version, who changed it and when, and that it bypassed the pipeline', () => {
    // Act
    const line = formatProvenance({
      source: 'ssm',
      layer: 'ssm',
      location: '/production-us/api/DB_TIMEOUT',
      version: '7',
      changedAt: '2026-08-14T02:07:31Z',
      changedBy: 'arn:aws:iam::111111111111:user/bob',
      outOfBand: true,
    });

    // Assess
    expect(line).toBe('ssm /production-us/api/DB_TIMEOUT v7, changed by arn:aws:iam::111111111111:user/bob on 2026-08-14 — outside the pipeline');
  });

  it('names the layer only when the source kind does not imply it, and the file for file-based sources', () => {
    // Act
    const k8s = formatProvenance({ source: 'kubernetes', layer: 'configmap', location: 'configmap/api-config' });
    const dotenv = formatProvenance({ source: 'dotenv', layer: 'env', location: 'DB_TIMEOUT', file: 'prod/.env' });

    // Assess
    expect(k8s).toBe('kubernetes configmap/api-config [configmap]');
    expect(dotenv).toBe('dotenv DB_TIMEOUT (read from prod/.env)');
  });

  it('passes estate text through the literal hook and its own words through the prose hook', () => {
    // Act
    const line = formatProvenance(
      { source: 'kubernetes', layer: 'env', location: 'x<y', changedBy: 'kubectl-set', outOfBand: true },
      { literal: (t) => `{${t}}`, prose: (t) => t.toUpperCase(), outOfBand: (t) => `*${t}*` },
    );

    // Assess
    expect(line).toBe('KUBERNETES {x<y} [ENV], CHANGED BY {kubectl-set} — *OUTSIDE THE PIPELINE*');
  });
});

describe('Function: formatBaselineEdit', () => {
  it('writes a set as a dotted path and the value', () => {
    expect(formatBaselineEdit({ path: ['settings', 'DB_TIMEOUT', 'environments', 'production-us'], value: '60s' })).toBe(
      'settings.DB_TIMEOUT.environments.production-us: 60s',
    );
  });

  it('quotes values YAML would not read as the same string, and path segments holding a dot', () => {
    expect(formatBaselineEdit({ path: ['settings', 'db.pool', 'value'], value: '10' })).toBe('settings."db.pool".value: "10"');
    expect(formatBaselineEdit({ path: ['settings', 'A', 'value'], value: 'true' })).toBe('settings.A.value: "true"');
    expect(formatBaselineEdit({ path: ['settings', 'A', 'value'], value: 'a: b' })).toBe('settings.A.value: "a: b"');
    expect(formatBaselineEdit({ path: ['settings', 'A', 'value'], value: 'https://api.example.com' })).toBe('settings.A.value: https://api.example.com');
  });

  it('writes deletes, nulls, appends and the target file', () => {
    expect(formatBaselineEdit({ path: ['settings', 'OLD'], value: undefined })).toBe('delete settings.OLD');
    expect(formatBaselineEdit({ path: ['settings', 'A', 'environments', 'dev'], value: null })).toBe('settings.A.environments.dev: null');
    expect(
      formatBaselineEdit({
        path: ['exceptions'],
        op: 'append',
        value: { key: 'LOG_LEVEL', owner: 'sre', expires: '2026-12-01' },
        file: 'exceptions.yaml',
      }),
    ).toBe('append to exceptions: { expires: 2026-12-01, key: LOG_LEVEL, owner: sre }  (in exceptions.yaml)');
  });
});

describe('Function: escapeHtml', () => {
  it('escapes the five characters HTML acts on', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('Function: escapeMarkdown', () => {
  it('leaves ordinary keys, paths and timestamps readable', () => {
    expect(escapeMarkdown('DB_TIMEOUT at /prod/api/ on 2026-08-14T02:07:31Z')).toBe('DB_TIMEOUT at /prod/api/ on 2026-08-14T02:07:31Z');
  });

  it('escapes markup, HTML, pipes, math and edge underscores, and joins lines', () => {
    expect(escapeMarkdown('<b>*a*</b> | `c` _d_ $e$ [f](g)\nh')).toBe('&lt;b&gt;\\*a\\*&lt;/b&gt; \\| \\`c\\` \\_d\\_ \\$e\\$ \\[f\\](g) h');
  });

  it('stops a paragraph from opening as a list or a rule', () => {
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('---')).toBe('\\---');
  });

  it('sets a word holding @ as code, where GitHub makes no mention', () => {
    expect(escapeMarkdown('by bob@example.com today')).toBe('by <code>bob@example.com</code> today');
    expect(markdownCode('by @team')).toBe('<code>by @team</code>');
  });
});

describe('Function: markdownFence', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(markdownFence('echo hi', 'sh')).toBe('```sh\necho hi\n```');
    expect(markdownFence('a ```` b')).toBe('`````\na ```` b\n`````');
  });
});

describe('Function: terminalText', () => {
  it('shows control characters and bidi overrides as escapes instead of sending them', () => {
    expect(terminalText('a\u001b[31mb\u0007\tc\nd\u202ee')).toBe('a\\u001b[31mb\\u0007\\tc\\nd\\u202ee');
  });
});

describe('Function: wrapText', () => {
  it('breaks at spaces within the width and keeps a long word whole', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('arn:aws:iam::111111111111:user/bob is long', 10)).toEqual(['arn:aws:iam::111111111111:user/bob', 'is long']);
  });
});

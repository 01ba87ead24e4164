import { describe, expect, it } from 'vitest';
import type { Finding, Transition } from '../../../../lambdas/engine/model.js';
import { parseHistoryExport } from '../../../../lambdas/sinks/report/history-export.js';
import { renderHtml } from '../../../../lambdas/sinks/report/render-html.js';
import { reportTimeline, timelineOfExports } from '../../../../lambdas/sinks/report/report-timeline.js';
import { cleanRun } from './report-fixture.js';

const WINDOW = { since: '2026-11-09T12:00:00.000Z', until: '2026-11-23T12:00:00.000Z' };

function finding(id: string, region: string | undefined, actual = '60s'): Finding {
  return {
    id,
    type: 'changed',
    severity: 'high',
    environment: 'production-eu',
    ...(region === undefined ? {} : { region }),
    key: id.split(':').at(-1) ?? id,
    expected: { text: '10s', secret: false },
    actual: { text: actual, secret: false },
    message: 'changed',
    provenance: [],
    fixes: {},
  };
}

function move(kind: Transition['kind'], at: string, f: Finding): Transition {
  return { kind, at, firstSeen: at, finding: f };
}

describe('Function: reportTimeline', () => {
  it('folds transitions into one timeline per region, counting a transition read back twice once', () => {
    // Prepare
    const eu = finding('changed:production-eu:api:DB_TIMEOUT', 'eu-west-1');
    const group = finding('parity:production-us+production-eu:api:k8s:hpa', undefined);
    const opened = move('opened', '2026-11-11T12:00:00.000Z', eu);

    // Act
    const timeline = reportTimeline(
      [opened, move('resolved', '2026-11-20T12:00:00.000Z', eu), opened, move('opened', '2026-11-12T12:00:00.000Z', group)],
      WINDOW,
    );

    // Assess
    expect(timeline.regions.map((r) => r.region)).toEqual(['eu-west-1', 'unknown']);
    expect(timeline.regions[0]?.entries[0]?.events.map((e) => e.kind)).toEqual(['opened', 'resolved']);
    expect(timeline.regions[0]?.entries[0]).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-20T12:00:00.000Z' });
  });

  it('leaves out transitions outside the window and the oldest drifts beyond the bound', () => {
    // Prepare
    const moves = Array.from({ length: 5 }, (_, i) => move('opened', `2026-11-1${i}T12:00:00.000Z`, finding(`changed:production-eu:api:K${i}`, 'eu-west-1')));

    // Act
    const timeline = reportTimeline([move('opened', '2026-10-01T00:00:00.000Z', finding('changed:production-eu:api:OLD', 'eu-west-1')), ...moves], WINDOW, 2);

    // Assess
    expect(timeline.regions[0]?.entries.map((e) => e.key)).toEqual(['K3', 'K4']);
    expect(timeline.regions[0]?.omitted).toBe(3);
  });
});

describe('Function: parseHistoryExport', () => {
  it('reads a timeline export and shows a secret as [secret] whatever the file says', () => {
    // Prepare
    const entry = {
      findingId: 'changed:production-eu:api:DB_PASSWORD',
      type: 'secret-version',
      environment: 'production-eu',
      key: 'DB_PASSWORD',
      region: 'eu-west-1',
      severity: 'high',
      actual: { text: 'hunter2', secret: true },
      status: 'open',
      openedAt: '2026-11-20T12:00:00.000Z',
      changedAt: [],
      events: [{ kind: 'opened', at: '2026-11-20T12:00:00.000Z', severity: 'high', actual: { text: 'hunter2', secret: true } }],
    };
    const text = JSON.stringify({ schema: 'drift-audit.history/1', table: 't', region: 'eu-west-1', ...WINDOW, findings: [entry] });

    // Act
    const parsed = parseHistoryExport(text, 'eu.json');
    const html = renderHtml({ ...cleanRun(), timeline: timelineOfExports([parsed]) });

    // Assess
    expect(parsed.findings[0]?.actual).toEqual({ text: '[secret]', secret: true });
    expect(parsed.findings[0]?.events[0]?.actual).toEqual({ text: '[secret]', secret: true });
    expect(JSON.stringify(parsed)).not.toContain('hunter2');
    expect(html).not.toContain('hunter2');
    expect(html).toContain('<section class="region" data-region="eu-west-1">');
  });

  it('names the file and the JSON path of what is wrong', () => {
    // Act / Assess
    expect(() =>
      parseHistoryExport(
        '{"schema":"drift-audit.history/1","region":"eu-west-1","since":"2026-11-01T00:00:00Z","until":"2026-11-02T00:00:00Z","findings":[{"findingId":"x"}]}',
        'h.json',
      ),
    ).toThrow(/^h\.json is not a drift-audit history timeline at findings\.0\.type: /);
    expect(() => parseHistoryExport('not json', 'h.json')).toThrow(/^h\.json is not JSON/);
  });
});

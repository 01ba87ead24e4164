import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSinceError } from '../../../../lambdas/sinks/history/history-errors.js';
import { buildRegionTimeline, HistoryQueries, parseSince } from '../../../../lambdas/sinks/history/history-queries.js';
import { HistoryStore } from '../../../../lambdas/sinks/history/history-store.js';
import { startDynaliteTable, type DynaliteTable } from '../../../support/dynalite.js';
import { intercept, SEEDED, SEEDED_FINDINGS as F, seedHistory } from './history-harness.js';

describe('Class: HistoryQueries', () => {
  let table: DynaliteTable;
  let queries: HistoryQueries;
  const commands: string[] = [];

  beforeAll(async () => {
    // Prepare: one seeded history shared by these read-only tests.
    table = await startDynaliteTable();
    await seedHistory(new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName }));
    queries = new HistoryQueries({
      tableName: table.tableName,
      now: () => new Date(SEEDED.now),
      documentClient: intercept(table.documentClient, (command, send) => {
        commands.push(command.constructor.name);
        return send();
      }),
    });
  });

  afterAll(async () => {
    await table.stop();
  });

  describe('Method: findingsByRegion', () => {
    it('returns the region timeline over a range: opened, changed, resolved and opened again', async () => {
      // Act
      const transitions = await queries.findingsByRegion('eu-west-1', { since: new Date('2026-10-01T00:00:00Z') });
      const timeline = buildRegionTimeline(transitions);

      // Assess
      expect(transitions.map((t) => `${t.at} ${t.kind} ${t.finding.id}`)).toEqual([
        `${SEEDED.october} opened ${F.euTimeout.id}`,
        `${SEEDED.run1} changed ${F.euTimeout.id}`,
        `${SEEDED.run1} opened ${F.euSensitive.id}`,
        `${SEEDED.run2} resolved ${F.euTimeout.id}`,
        `${SEEDED.run3} opened ${F.euTimeout.id}`,
      ]);
      expect(timeline.map((e) => [e.findingId, e.status, e.openedAt, e.changedAt, e.resolvedAt])).toEqual([
        [F.euTimeout.id, 'open', SEEDED.run3, [], undefined],
        [F.euSensitive.id, 'open', SEEDED.run1, [], undefined],
      ]);
      expect(timeline[0]?.events.map((e) => [e.kind, e.actual?.text])).toEqual([
        ['opened', '120'],
        ['changed', '90'],
        ['resolved', '90'],
        ['opened', '120'],
      ]);
      expect(transitions[0]?.runId).toBe('run-0');
    });

    it('bounds the range on both ends', async () => {
      const transitions = await queries.findingsByRegion('eu-west-1', {
        since: new Date('2026-11-01T10:30:00Z'),
        until: new Date('2026-11-01T11:30:00Z'),
      });

      expect(buildRegionTimeline(transitions).map((e) => [e.findingId, e.status, e.resolvedAt])).toEqual([[F.euTimeout.id, 'resolved', SEEDED.run2]]);
    });

    it('includes transitions made exactly at the ends of the range', async () => {
      const transitions = await queries.findingsByRegion('eu-west-1', { since: new Date(SEEDED.run1), until: new Date(SEEDED.run1) });

      expect(transitions.map((t) => t.kind)).toEqual(['changed', 'opened']);
    });

    it('narrows by environment and key', async () => {
      const us = await queries.findingsByRegion('us-east-1', { since: new Date('2026-10-01T00:00:00Z'), key: 'DB_POOL_SIZE' });
      const none = await queries.findingsByRegion('us-east-1', { since: new Date('2026-10-01T00:00:00Z'), environment: 'staging-us' });

      expect(us.map((t) => t.finding.id)).toEqual([F.usPool.id]);
      expect(none).toEqual([]);
    });
  });

  describe('Method: findingsByKey', () => {
    it('tells when a key drifted anywhere, oldest first', async () => {
      const transitions = await queries.findingsByKey('DB_TIMEOUT', { since: new Date('2026-11-01T00:00:00Z') });

      expect(transitions.map((t) => `${t.at} ${t.kind} ${t.finding.environment}`)).toEqual([
        `${SEEDED.run1} changed production-eu`,
        `${SEEDED.run1} opened production-us`,
        `${SEEDED.run2} resolved production-eu`,
        `${SEEDED.run3} opened production-eu`,
      ]);
    });
  });

  describe('Method: findingsByEnvironment', () => {
    it('tells what happened in one environment', async () => {
      const transitions = await queries.findingsByEnvironment('production-us', { since: new Date('2026-10-01T00:00:00Z') });

      expect(transitions.map((t) => `${t.kind} ${t.finding.id}`)).toEqual([`opened ${F.usPool.id}`, `opened ${F.usTimeout.id}`]);
    });
  });

  describe('Method: openFindings', () => {
    it('lists what is open now, worst first, optionally in one region or environment', async () => {
      const all = await queries.openFindings();
      const us = await queries.openFindings({ region: 'us-east-1' });
      const eu = await queries.openFindings({ environment: 'production-eu' });

      expect(all.map((s) => `${s.severity} ${s.id}`)).toEqual([
        `critical ${F.euSensitive.id}`,
        `high ${F.euTimeout.id}`,
        `high ${F.usTimeout.id}`,
        `medium ${F.usPool.id}`,
      ]);
      expect(us.map((s) => s.id)).toEqual([F.usTimeout.id, F.usPool.id]);
      expect(eu.map((s) => s.id)).toEqual([F.euSensitive.id, F.euTimeout.id]);
      expect(all.find((s) => s.id === F.euTimeout.id)?.firstSeen).toBe(SEEDED.run3);
    });
  });

  describe('Method: findingTimeline', () => {
    it('returns the state and every transition of one finding', async () => {
      const { state, transitions } = await queries.findingTimeline(F.euTimeout.id);

      expect(state).toMatchObject({ status: 'open', firstSeen: SEEDED.run3, lastRunId: 'run-3' });
      expect(transitions.map((t) => [t.kind, t.at])).toEqual([
        ['opened', SEEDED.october],
        ['changed', SEEDED.run1],
        ['resolved', SEEDED.run2],
        ['opened', SEEDED.run3],
      ]);
    });

    it('returns no state and no transition for an unknown finding', async () => {
      expect(await queries.findingTimeline('changed:nowhere:NOTHING')).toEqual({ transitions: [] });
    });
  });

  describe('Method: recentRuns', () => {
    it('lists runs newest first, month partition by month, up to a limit', async () => {
      const twoMonths = await queries.recentRuns({ months: 2 });
      const thisMonth = await queries.recentRuns({ months: 1 });
      const latestTwo = await queries.recentRuns({ months: 2, limit: 2 });

      expect(twoMonths.map((r) => [r.summary.runId, r.recording])).toEqual([
        ['run-3', 'complete'],
        ['run-2', 'complete'],
        ['run-1', 'complete'],
        ['run-0', 'complete'],
      ]);
      expect(thisMonth.map((r) => r.summary.runId)).toEqual(['run-3', 'run-2', 'run-1']);
      expect(latestTwo.map((r) => r.summary.runId)).toEqual(['run-3', 'run-2']);
    });
  });

  it('answers every question with Query and Get, never Scan', () => {
    expect(commands.length).toBeGreaterThan(0);
    expect(new Set(commands)).toEqual(new Set(['QueryCommand']));
  });
});

describe('Function: buildRegionTimeline', () => {
  it('gives the same timeline whatever the order of its input', async () => {
    const f = F.euTimeout;
    const items = [
      { kind: 'resolved' as const, at: SEEDED.run2, finding: f },
      { kind: 'opened' as const, at: SEEDED.run1, finding: f },
      { kind: 'escalated' as const, at: SEEDED.run1, finding: { ...f, severity: 'critical' as const } },
    ];

    const one = buildRegionTimeline(items);
    const two = buildRegionTimeline([...items].reverse());

    expect(two).toEqual(one);
    expect(one[0]?.events.map((e) => e.kind)).toEqual(['opened', 'escalated', 'resolved']);
    expect(one[0]).toMatchObject({ status: 'resolved', openedAt: SEEDED.run1, changedAt: [SEEDED.run1], resolvedAt: SEEDED.run2 });
  });
});

describe('Function: parseSince', () => {
  const now = new Date('2026-11-23T12:00:00.000Z');

  it('reads durations back from now', () => {
    expect(parseSince('30d', now).toISOString()).toBe('2026-10-24T12:00:00.000Z');
    expect(parseSince('12h', now).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(parseSince('2w', now).toISOString()).toBe('2026-11-09T12:00:00.000Z');
  });

  it('reads ISO dates and times as UTC', () => {
    expect(parseSince('2026-11-01', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseSince('2026-11-01T08:30:00', now).toISOString()).toBe('2026-11-01T08:30:00.000Z');
    expect(parseSince('2026-11-01T08:30:00+02:00', now).toISOString()).toBe('2026-11-01T06:30:00.000Z');
  });

  it('rejects anything else with a message that says what is accepted', () => {
    expect(() => parseSince('last week', now)).toThrow(InvalidSinceError);
    expect(() => parseSince('5m', now)).toThrow(/expected a duration such as 12h, 30d or 2w/);
    expect(() => parseSince('2026-13-45', now)).toThrow(InvalidSinceError);
  });
});

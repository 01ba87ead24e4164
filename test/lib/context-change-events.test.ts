import { describe, expect, it } from 'vitest';
import { DriftAuditContextError, parseDriftAuditContext } from '../../lib/context.js';

const parse = (context: Record<string, unknown>) => parseDriftAuditContext((key) => context[key]);

describe('Function: parseDriftAuditContext, change events', () => {
  it('leaves change events off by default, with a 30-second debounce once on', () => {
    expect(parse({})).toMatchObject({ changeEvents: false, changeBatchingWindowSeconds: 30, kubernetesAuditLogs: false });
    expect(parse({ 'driftAudit:changeEvents': 'true', 'driftAudit:changeBatchingWindowSeconds': '120' })).toMatchObject({
      changeEvents: true,
      changeBatchingWindowSeconds: 120,
    });
  });

  it('reports every bad change-event key at once, naming what is expected', () => {
    let error: unknown;
    try {
      parse({ 'driftAudit:changeBatchingWindowSeconds': 301, 'driftAudit:changeEventsOrganizationId': 'my-org', 'driftAudit:kubernetesAuditLogs': true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DriftAuditContextError);
    expect((error as DriftAuditContextError).problems).toEqual([
      'driftAudit:kubernetesAuditLogs = true needs driftAudit:changeEvents = true: audit-log writes feed the change queue',
      'driftAudit:changeBatchingWindowSeconds = 301: expected seconds, a whole number from 0 to 300',
      'driftAudit:changeEventsOrganizationId = "my-org": expected an AWS Organizations id such as o-a1b2c3d4e5',
    ]);
  });
});

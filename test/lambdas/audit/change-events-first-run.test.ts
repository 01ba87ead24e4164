/**
 * Before any sweep has kept a state to build on (a fresh deploy), a change event makes the touched
 * environment read in full once; from then on events are read name by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parameterStoreEvent, sqsBatch } from '../../support/change-events.js';
import { invokeChangeBatch, rigDependencies, SMALL_BASELINE_YAML, SMALL_ESTATE, startAuditRig, type AuditRig } from './audit-rig.js';

describe('change events: no kept state yet', () => {
  let rig: AuditRig;
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: SMALL_ESTATE.paymentTimeout, value: '45' },
      { name: SMALL_ESTATE.poolSize, value: '10' },
      { name: SMALL_ESTATE.logLevel, value: 'debug' },
    ]);
    await rig.uploadBaseline(SMALL_BASELINE_YAML);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('reads the touched environment in full, judges all of it, and keeps the state the next event builds on', async () => {
    const deps = rigDependencies(rig, { clock });

    const first = await invokeChangeBatch(deps, clock, sqsBatch([parameterStoreEvent(SMALL_ESTATE.logLevel)]), '2026-11-23T10:05:00Z');

    expect(first.outcome?.kind === 'recorded' && first.outcome.transitions.map((t) => `${t.kind} ${t.finding.type} ${t.finding.key}`).sort()).toEqual([
      'opened changed LOG_LEVEL',
      'opened changed PAYMENT_TIMEOUT',
      'opened missing INVENTORY_SERVICE_URL',
    ]);
    expect(rig.ssm.count('GetParametersByPath')).toBeGreaterThan(0);

    rig.ssm.clearRequests();
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'warn' });
    const second = await invokeChangeBatch(deps, clock, sqsBatch([parameterStoreEvent(SMALL_ESTATE.logLevel)]), '2026-11-23T10:06:00Z');

    expect(second.outcome?.kind === 'recorded' && second.outcome.transitions.map((t) => `${t.kind} ${t.finding.key}`)).toEqual(['resolved LOG_LEVEL']);
    expect(rig.ssm.requests.map((request) => request.operation).sort()).toEqual(['DescribeParameters', 'GetParameters']);
  });
});

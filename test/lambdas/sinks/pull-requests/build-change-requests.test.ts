import { describe, expect, it } from 'vitest';
import { buildChangeRequests } from '../../../../lambdas/sinks/pull-requests/build-change-requests.js';
import { opened, sampleFinding } from '../../../support/sample-findings.js';

const CANARY = 'hunter2-canary-value';

describe('Function: buildChangeRequests', () => {
  it('masks a secret in the title, body and commit message even when the engine left its text in', () => {
    // Prepare: an unmanaged secret set by hand, its text unredacted by a slip upstream.
    const finding = sampleFinding({
      id: 'unmanaged:production-us:api:STRIPE_KEY',
      type: 'unmanaged',
      key: 'STRIPE_KEY',
      actual: { text: CANARY, secret: true },
      expected: { text: CANARY, secret: true },
      fixes: { accept: { summary: 'declare it secret', baselineEdit: { path: ['settings', 'STRIPE_KEY', 'secret'], value: 'true', op: 'set' } } },
    });

    // Act
    const [request] = buildChangeRequests([opened(finding)]);

    // Assess
    expect(request?.kind).toBe('upsert');
    expect(JSON.stringify(request)).not.toContain(CANARY);
    expect(request).toMatchObject({ title: 'drift-audit: accept STRIPE_KEY = [secret] in production-us' });
    expect(request?.kind === 'upsert' ? request.body : '').toContain('| actual (live) | `[secret]` |');
  });

  it('proposes nothing for drift made by the pipeline, or drift the baseline cannot accept', () => {
    // Prepare
    const byPipeline = sampleFinding({ provenance: [{ ...sampleFinding().provenance[0]!, outOfBand: false, changedBy: 'argocd' }] });
    const noEdit = sampleFinding({ fixes: { revert: { summary: 'restart the pods' } } });

    // Act / Assess
    expect(buildChangeRequests([opened(byPipeline), opened(noEdit)])).toEqual([]);
  });

  it('closes on resolution, and keeps a table cell whole when the value holds a pipe or a newline', () => {
    // Prepare
    const finding = sampleFinding({ actual: { text: 'a|b\nc', secret: false } });

    // Act
    const [upsert] = buildChangeRequests([opened(finding)]);
    const [close] = buildChangeRequests([{ kind: 'resolved', finding, firstSeen: '2026-11-23T10:00:00Z', at: '2026-11-23T12:00:00Z' }]);

    // Assess
    expect(upsert?.kind === 'upsert' ? upsert.body : '').toContain('| actual (live) | `a\\|b c` |');
    expect(close).toEqual({
      kind: 'close',
      findingId: finding.id,
      comment:
        "drift-audit: DB_TIMEOUT in production-us is back to the baseline's value (resolved live at 2026-11-23T12:00:00Z); nothing left to accept, closing.",
    });
  });
});

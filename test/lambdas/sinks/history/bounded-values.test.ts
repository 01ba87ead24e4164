import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { boundStrings, previewText } from '../../../../lambdas/sinks/history/bounded-text.js';
import { toStateAttributes, toTransitionItem } from '../../../../lambdas/sinks/history/history-items.js';
import { DYNAMODB_ITEM_LIMIT_BYTES, itemSizeBytes } from '../../../../lambdas/sinks/history/item-size.js';
import { finding } from '../../engine/lifecycle/lifecycle-fixtures.js';

const MIB = 1024 * 1024;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('Function: previewText', () => {
  it('keeps a value that fits as it is', () => {
    expect(previewText('30s', 1024)).toBe('30s');
  });

  it('keeps the head of a long value, with its length and SHA-256, within the budget', () => {
    // Prepare
    const value = `routes:\n${'  - /api/v1/orders -> orders:8080\n'.repeat(40_000)}`;

    // Act
    const preview = previewText(value, 1024);

    // Assess
    expect(Buffer.byteLength(preview)).toBeLessThanOrEqual(1024);
    expect(preview.startsWith('routes:\n  - /api/v1/orders')).toBe(true);
    expect(preview).toContain(`[truncated: ${Buffer.byteLength(value)} bytes, sha256 ${sha256(value)}]`);
  });

  it('never cuts a multi-byte character in half', () => {
    // Prepare: 3-byte characters, so the cut falls inside one unless it is placed with care.
    const value = '€'.repeat(10_000);

    // Act
    const preview = previewText(value, 1000);

    // Assess
    expect(preview).not.toContain('\uFFFD');
    expect(preview.split('…')[0]).toMatch(/^€+$/);
  });
});

describe('Function: boundStrings', () => {
  it('bounds every value, message and command of a finding, and keeps what identifies it', () => {
    // Prepare: a 1 MiB value reaches the finding's actual value, its message and both fixes.
    const big = 'x'.repeat(MIB);
    const huge = finding({
      key: 'ROUTING_RULES',
      actual: { text: big, secret: false },
      message: `ROUTING_RULES is ${big} in production-eu`,
      fixes: { accept: { summary: 'declare it', baselineEdit: { path: ['settings', 'ROUTING_RULES'], value: big } } },
    });

    // Act
    const bounded = boundStrings(huge, 1024);

    // Assess
    expect(Buffer.byteLength(JSON.stringify(bounded))).toBeLessThan(8 * 1024);
    expect(bounded.id).toBe(huge.id);
    expect(bounded.key).toBe('ROUTING_RULES');
    expect(bounded.actual?.text).toContain(sha256(big));
    expect(bounded.fixes.accept?.baselineEdit?.value).toContain(sha256(big));
  });
});

describe('Function: itemSizeBytes', () => {
  it('counts attribute names and values as the DynamoDB Developer Guide describes', () => {
    // Assess: name + UTF-8 bytes; a number ~1 byte per 2 digits + 1; a list 3 bytes + 1 per element.
    expect(itemSizeBytes({ pk: 'FINDING#a' })).toBe(2 + 9);
    expect(itemSizeBytes({ expiresAt: 1798012345 })).toBe(9 + 6);
    // Leading and trailing zeros are trimmed: 1798000000 has four significant digits.
    expect(itemSizeBytes({ expiresAt: 1798000000 })).toBe(9 + 3);
    expect(itemSizeBytes({ times: ['ab', 'cd'] })).toBe(5 + 3 + (1 + 2) + (1 + 2));
    expect(itemSizeBytes({ fencedRuns: new Set(['run-1', 'run-2']) })).toBe(10 + 10);
    expect(itemSizeBytes({ note: '€' })).toBe(4 + 3);
  });

  it('keeps the transition and state items of a 1 MiB value far inside the item limit', () => {
    // Prepare
    const huge = finding({
      key: 'ROUTING_RULES',
      actual: { text: 'y'.repeat(MIB), secret: false },
      comparedWith: { 'production-us': { text: 'z'.repeat(MIB), secret: false } },
    });
    const at = '2026-11-23T10:00:00.000Z';

    // Act
    const transition = toTransitionItem({ kind: 'opened', finding: huge, firstSeen: at, at }, 'run-1', 400);
    const state = toStateAttributes(
      { id: huge.id, status: 'open', finding: huge, firstSeen: at, lastSeen: at, fingerprint: 'f', severity: 'high' },
      'run-1',
      400,
    );

    // Assess: a state item holds its state and the one it replaced.
    expect(itemSizeBytes(transition as unknown as Record<string, unknown>)).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES / 10);
    expect(2 * itemSizeBytes(state as unknown as Record<string, unknown>)).toBeLessThan(DYNAMODB_ITEM_LIMIT_BYTES / 10);
  });
});

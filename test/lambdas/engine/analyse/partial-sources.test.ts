import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import type { Baseline, Finding, Snapshot, SourceStatus } from '../../../../lambdas/engine/model.js';
import { baseline, envVar, environment, failedSource, okSource, setting, snapshot, ssmValue } from './builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const prodUs = environment('prod-us', 'production');
const prodEu = environment('prod-eu', 'production', { region: 'eu-west-1' });
const prodAp = environment('prod-ap', 'production', { region: 'ap-southeast-2' });

function ids(base: Baseline, snapshots: Snapshot[]): string[] {
  return analyse({ baseline: base, snapshots, now: NOW }).findings.map((f: Finding) => f.id);
}

/** prod-ap's sources when its Parameter Store tree could not be read. */
const SSM_FAILED: SourceStatus[] = [
  okSource('eks:prod-ap/api', 'eks', ['env', 'configmap', 'secret']),
  failedSource('ssm:ap-southeast-2:/prod-ap/api/', 'ssm', ['ssm']),
];

describe('Function: analyse (failed sources)', () => {
  describe('parity in a group with an unknown member', () => {
    const base = baseline({ environments: [prodUs, prodEu, prodAp], settings: [setting('CACHE_TTL', { parity: 'tier' })] });

    it('opens no parity finding on a healthy environment when another member’s key is absent and a source failed', () => {
      // Prepare: us 300, eu 60, ap unread (it may hold 60 and make us the odd one out).
      const snapshots = [
        snapshot('prod-us', [ssmValue('prod-us', 'CACHE_TTL', '300')]),
        snapshot('prod-eu', [ssmValue('prod-eu', 'CACHE_TTL', '60')]),
        snapshot('prod-ap', [], { sources: SSM_FAILED }),
      ];

      // Act / Assess
      expect(ids(base, snapshots)).toEqual(['source-error:prod-ap:ssm:ap-southeast-2:/prod-ap/api/']);
    });

    it('opens no parity finding when another member’s value ranks below the failed source (blocked)', () => {
      // Prepare: ap's env var says 60, but its unread Parameter Store could override it.
      const snapshots = [
        snapshot('prod-us', [ssmValue('prod-us', 'CACHE_TTL', '300')]),
        snapshot('prod-eu', [ssmValue('prod-eu', 'CACHE_TTL', '60')]),
        snapshot('prod-ap', [envVar('CACHE_TTL', '60')], { sources: SSM_FAILED }),
      ];

      // Act / Assess
      expect(ids(base, snapshots)).toEqual(['source-error:prod-ap:ssm:ap-southeast-2:/prod-ap/api/']);
    });

    it('still judges the group once every member is read', () => {
      const snapshots = [
        snapshot('prod-us', [ssmValue('prod-us', 'CACHE_TTL', '300')]),
        snapshot('prod-eu', [ssmValue('prod-eu', 'CACHE_TTL', '60')]),
        snapshot('prod-ap', [ssmValue('prod-ap', 'CACHE_TTL', '60')]),
      ];
      expect(ids(base, snapshots)).toEqual(['parity:prod-us:CACHE_TTL']);
    });

    it('still judges other groups: an unknown production member does not silence staging', () => {
      // Prepare
      const stagingA = environment('staging-a', 'staging');
      const stagingB = environment('staging-b', 'staging');
      const tiers = baseline({
        environments: [stagingA, stagingB, prodUs, prodAp],
        settings: [setting('CACHE_TTL', { parity: 'tier' })],
      });

      // Act
      const findings = ids(tiers, [
        snapshot('staging-a', [ssmValue('staging-a', 'CACHE_TTL', '1')]),
        snapshot('staging-b', [ssmValue('staging-b', 'CACHE_TTL', '2')]),
        snapshot('prod-us', [ssmValue('prod-us', 'CACHE_TTL', '300')]),
        snapshot('prod-ap', [], { sources: SSM_FAILED }),
      ]);

      // Assess
      expect(findings.sort()).toEqual(['parity:staging-a+staging-b:CACHE_TTL', 'source-error:prod-ap:ssm:ap-southeast-2:/prod-ap/api/']);
    });
  });

  describe('two sources of the same layer, one failed', () => {
    it('does not judge a key read from the other tree: the unread tree may hold the key and win', () => {
      // Prepare: the app reads /prod-us/api/ and /prod-us/shared/; the shared tree could not be read.
      const base = baseline({ environments: [prodUs], settings: [setting('POOL_SIZE', { value: '10' })] });
      const sources = [
        okSource('ssm:us-east-1:/prod-us/api/', 'ssm', ['ssm']),
        failedSource('ssm:us-east-1:/prod-us/shared/', 'ssm', ['ssm']),
        okSource('eks:prod-us/api', 'eks', ['env', 'configmap', 'secret']),
      ];

      // Act
      const findings = ids(base, [snapshot('prod-us', [ssmValue('prod-us', 'POOL_SIZE', '25')], { sources })]);

      // Assess
      expect(findings).toEqual(['source-error:prod-us:ssm:us-east-1:/prod-us/shared/']);
    });

    it('still judges a key in a layer above the failed one', () => {
      // Prepare: the failed EKS source serves env/configmap/secret; Parameter Store ranks above them.
      const base = baseline({ environments: [prodUs], settings: [setting('POOL_SIZE', { value: '10' })] });
      const sources = [okSource('ssm:us-east-1:/prod-us/api/', 'ssm', ['ssm']), failedSource('eks:prod-us/api', 'eks', ['env', 'configmap', 'secret'])];

      // Act
      const findings = ids(base, [snapshot('prod-us', [ssmValue('prod-us', 'POOL_SIZE', '25')], { sources })]);

      // Assess
      expect(findings.sort()).toEqual(['changed:prod-us:POOL_SIZE', 'source-error:prod-us:eks:prod-us/api']);
    });
  });
});

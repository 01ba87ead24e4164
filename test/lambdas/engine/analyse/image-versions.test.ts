import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline, Finding, ImageObservation, Snapshot } from '../../../../lambdas/engine/model.js';
import { baseline, environment, exception, image, snapshot } from './builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const stagingUs = environment('staging-us', 'staging');
const productionUs = environment('production-us', 'production');
const productionEu = environment('production-eu', 'production', { region: 'eu-west-1' });
const ENVIRONMENTS = [stagingUs, productionUs, productionEu];

/** pg-client in the pgbouncer sidecar of deployment/api-server, as the demo estate runs it. */
function pgbouncer(tag: string): ImageObservation {
  return image('registry.example.com/pg-client', tag, { container: 'pgbouncer' });
}

/** Staging on `staging`, the two production regions on `us` and `eu`. */
function estate(staging: string, us: string, eu: string): Snapshot[] {
  return [
    snapshot('staging-us', [], { images: [pgbouncer(staging)] }),
    snapshot('production-us', [], { images: [pgbouncer(us)] }),
    snapshot('production-eu', [], { images: [pgbouncer(eu)] }),
  ];
}

function versions(base: Baseline, snapshots: Snapshot[]): Finding[] {
  return analyse({ baseline: base, snapshots, now: NOW }).findings.filter((f) => f.type === 'version' || f.type === 'exception-expired');
}

describe('Function: analyse (image versions)', () => {
  describe('images.parity', () => {
    it('compares every environment by default: staging ahead of both production regions is reported (the demo)', () => {
      // Act
      const findings = versions(baseline({ environments: ENVIRONMENTS }), estate('15.3', '15.1', '15.1'));

      // Assess
      expect(findings.map((f) => [f.id, f.key, f.actual?.text])).toEqual([
        ['version:staging-us:api/deployment/api-server/pgbouncer', 'deployment/api-server/pgbouncer', 'registry.example.com/pg-client:15.3'],
      ]);
    });

    it('with tier, lets staging run ahead but still reports production regions that disagree', () => {
      // Prepare
      const base = baseline({ environments: ENVIRONMENTS, images: { parity: 'tier' } });

      // Act
      const stagingAhead = versions(base, estate('15.3', '15.1', '15.1'));
      const regionsApart = versions(base, estate('15.3', '15.1', '15.2'));

      // Assess
      expect(stagingAhead).toEqual([]);
      expect(regionsApart.map((f) => f.id)).toEqual(['version:production-eu:api/deployment/api-server/pgbouncer']);
      expect(Object.keys(regionsApart[0]?.comparedWith ?? {})).toEqual(['production-us', 'production-eu']);
      expect(regionsApart[0]?.fixes.revert?.summary).toContain('like the other production environments');
    });

    it('offers images.parity: tier as an accept only when it is not already the baseline parity', () => {
      // Prepare: microservices-demo's adservice bumped by hand in one production region, as init's
      // baseline (images.parity: tier) and a hand-written one (the default, all) see it.
      const adservice = (tag: string) =>
        image('gcr.io/google-samples/microservices-demo/adservice', tag, { workload: 'deployment/adservice', container: 'server' });
      const snapshots = [
        snapshot('staging-us', [], { images: [adservice('v0.2.0')] }),
        snapshot('production-us', [], { images: [adservice('v0.2.1')] }),
        snapshot('production-eu', [], { images: [adservice('v0.2.0')] }),
      ];

      // Act
      const underTier = versions(baseline({ environments: ENVIRONMENTS, images: { parity: 'tier' } }), snapshots);
      const underAll = versions(baseline({ environments: ENVIRONMENTS }), snapshots);

      // Assess
      expect(underTier).toHaveLength(1);
      expect(underTier[0]?.fixes.accept?.summary).toContain('drift-audit baseline accept');
      expect(underTier[0]?.fixes.accept?.summary).not.toContain('images.parity');
      expect(underAll[0]?.fixes.accept?.summary).toContain('or set images.parity: tier');
    });

    it('on a tie, reports the region whose image was set by hand, not the one declared first', () => {
      // Prepare: kube-prometheus's node-exporter DaemonSet (prometheus-operator/kube-prometheus,
      // manifests/nodeExporter-daemonset.yaml): its kube-rbac-proxy sidecar bumped with kubectl set image
      // in production-eu only; production-us still runs what Helm applied.
      const proxy = (tag: string, changedBy: string) =>
        image('quay.io/brancz/kube-rbac-proxy', tag, { namespace: 'monitoring', workload: 'daemonset/node-exporter', container: 'kube-rbac-proxy', changedBy });
      const base = baseline({ environments: [productionEu, productionUs], images: { parity: 'tier' } });
      const byHand = [
        snapshot('production-eu', [], { images: [proxy('v0.15.0', 'kubectl-set')] }),
        snapshot('production-us', [], { images: [proxy('v0.14.2', 'helm')] }),
      ];
      const neither = [
        snapshot('production-eu', [], { images: [proxy('v0.15.0', 'helm')] }),
        snapshot('production-us', [], { images: [proxy('v0.14.2', 'helm')] }),
      ];

      // Act
      const attributed = versions(base, byHand);
      const unattributed = versions(base, neither);

      // Assess
      expect(attributed.map((f) => [f.environment, f.expected?.text, f.actual?.text])).toEqual([
        ['production-eu', 'quay.io/brancz/kube-rbac-proxy:v0.14.2', 'quay.io/brancz/kube-rbac-proxy:v0.15.0'],
      ]);
      expect(attributed[0]?.fixes.revert?.command).toBe(
        'kubectl -n monitoring set image daemonset/node-exporter kube-rbac-proxy=quay.io/brancz/kube-rbac-proxy:v0.14.2',
      );
      // Without evidence the environment declared first stays the reference.
      expect(unattributed.map((f) => f.environment)).toEqual(['production-us']);
    });

    it('with none, never compares image tags', () => {
      const base = baseline({ environments: ENVIRONMENTS, images: { parity: 'none' } });
      expect(versions(base, estate('15.3', '15.1', '15.2'))).toEqual([]);
    });
  });

  describe('ignore', () => {
    it.each(['deployment/api-server/pgbouncer', 'deployment/*/pgbouncer'])('silences the container matched by %s', (pattern) => {
      const base = baseline({ environments: ENVIRONMENTS, ignore: [pattern] });
      expect(versions(base, estate('15.3', '15.1', '15.1'))).toEqual([]);
    });

    it('leaves other containers compared', () => {
      const base = baseline({ environments: ENVIRONMENTS, ignore: ['deployment/api-server/app'] });
      expect(versions(base, estate('15.3', '15.1', '15.1')).map((f) => f.id)).toEqual(['version:staging-us:api/deployment/api-server/pgbouncer']);
    });
  });

  describe('exceptions on <workload>/<container>', () => {
    const key = 'deployment/api-server/pgbouncer';

    it('silences the deviation an active exception allows, by tag or by full image reference', () => {
      for (const value of ['15.3', 'registry.example.com/pg-client:15.3', undefined]) {
        const allowed = exception(key, { environment: 'staging-us', ...(value === undefined ? {} : { value }) });
        const base = baseline({ environments: ENVIRONMENTS, exceptions: [allowed] });
        expect(versions(base, estate('15.3', '15.1', '15.1')), `value ${value}`).toEqual([]);
      }
    });

    it('does not let an exception for another tag or environment hide the deviation', () => {
      // Prepare
      const base = baseline({
        environments: ENVIRONMENTS,
        exceptions: [exception(key, { environment: 'staging-us', value: '15.4' }), exception(key, { environment: 'production-eu' })],
      });

      // Act / Assess
      expect(versions(base, estate('15.3', '15.1', '15.1')).map((f) => f.id)).toEqual(['version:staging-us:api/deployment/api-server/pgbouncer']);
    });

    it('reports an expired exception whose image still runs as exception-expired, keeping the image revert', () => {
      // Prepare
      const expired = exception(key, { tier: 'staging', value: '15.3', owner: 'carol', reason: 'REL-42 pg-client soak', expires: '2026-10-01' });
      const base = baseline({ environments: ENVIRONMENTS, exceptions: [expired] });

      // Act
      const findings = versions(base, estate('15.3', '15.1', '15.1'));

      // Assess
      expect(findings.map((f) => [f.id, f.type, f.severity])).toEqual([
        ['exception-expired:staging-us:api/deployment/api-server/pgbouncer', 'exception-expired', 'medium'],
      ]);
      expect(findings[0]?.message).toContain('allowed until 2026-10-01 (owner carol, REL-42 pg-client soak)');
      expect(findings[0]?.fixes.revert?.command).toBe('kubectl -n api set image deployment/api-server pgbouncer=registry.example.com/pg-client:15.1');
      // Never a settings edit for an image: the accept says how to declare the exception.
      expect(findings[0]?.fixes.accept?.baselineEdit).toBeUndefined();
      expect(findings[0]?.fixes.accept?.summary).toContain(`key: ${key}`);
    });
  });

  describe('Function: parseBaseline (images section)', () => {
    const environments = 'environments:\n  staging-us:\n    tier: staging\n';

    it('reads images.parity and defaults it to all', () => {
      const tier = parseBaseline([{ name: 'b.yaml', text: `${environments}images:\n  parity: tier\n` }]);
      const unsaid = parseBaseline([{ name: 'b.yaml', text: environments }]);
      expect(tier.ok && tier.baseline.images).toEqual({ parity: 'tier' });
      expect(unsaid.ok && unsaid.baseline.images).toEqual({ parity: 'all' });
    });

    it('rejects an unknown parity with a located error', () => {
      const result = parseBaseline([{ name: 'b.yaml', text: `${environments}images:\n  parity: some\n` }]);
      expect(result.ok).toBe(false);
      expect(result.issues.map((i) => [i.code, i.path, i.line])).toEqual([['invalid-value', 'images.parity', 5]]);
    });
  });
});

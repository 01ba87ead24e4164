import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../../lambdas/engine/baseline/parse-baseline.js';
import { parseChangeBatch } from '../../../lambdas/events/change-messages.js';
import { targetChanges } from '../../../lambdas/events/change-targets.js';
import { kubernetesChangeMessage, parameterStoreEvent, sqsBatch } from '../../support/change-events.js';

const BASELINE = `
environments:
  production-eu:
    tier: production
    region: eu-west-1
    account: "111111111111"
    sources:
      ssm: [{ path: /production-eu/api/, key_style: env }]
      eks: [{ cluster: prod-eu, namespaces: [api], workloads: [deployment/api-server] }]
  staging-us:
    tier: staging
    region: us-east-1
    sources:
      ssm: [{ path: /staging-us/api/, key_style: env }]
settings:
  LOG_LEVEL: { value: warn }
`;

function targetsOf(bodies: readonly unknown[]) {
  const baseline = parseBaseline([{ name: 'baseline.yaml', text: BASELINE }]);
  if (!baseline.ok) throw new Error(JSON.stringify(baseline.issues));
  const { changes } = parseChangeBatch(
    sqsBatch(
      bodies,
      bodies.map((_, i) => `m-${i}`),
    ).Records,
  );
  return targetChanges(baseline.baseline, changes);
}

describe('Function: targetChanges', () => {
  it('maps a parameter to the tree of its region, account and prefix, one item per name however often written', () => {
    const { targets, unmatched } = targetsOf([
      parameterStoreEvent('/production-eu/api/log/level', 'Update', { account: '111111111111' }),
      parameterStoreEvent('/production-eu/api/log/level', 'Update', { account: '111111111111' }),
      parameterStoreEvent('/staging-us/api/db/pool_size', 'Create', { region: 'us-east-1', account: '222222222222' }),
    ]);
    expect(unmatched).toEqual([]);
    expect(targets.map((target) => ({ environment: target.environment, sources: [...target.sources], messageIds: target.messageIds }))).toEqual([
      { environment: 'production-eu', sources: [[0, ['/production-eu/api/log/level']]], messageIds: ['m-0', 'm-1'] },
      // staging declares no account: the auditor reads it with its own credentials, so any account matches.
      { environment: 'staging-us', sources: [[0, ['/staging-us/api/db/pool_size']]], messageIds: ['m-2'] },
    ]);
  });

  it('leaves unmatched a parameter of another region, another declared account, or outside every prefix', () => {
    const { targets, unmatched } = targetsOf([
      parameterStoreEvent('/production-eu/api/log/level', 'Update', { region: 'eu-central-1', account: '111111111111' }),
      parameterStoreEvent('/production-eu/api/log/level', 'Update', { account: '999999999999' }),
      parameterStoreEvent('/production-eu/apix/log/level', 'Update', { account: '111111111111' }),
      parameterStoreEvent('/production-eu/api/', 'Update', { account: '111111111111' }),
    ]);
    expect(targets).toEqual([]);
    expect(unmatched.map((message) => message.messageId)).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
  });

  it('maps a Kubernetes write to the cluster source declaring its namespace and workload, and any ConfigMap there', () => {
    const write = (resource: string, name: string, namespace = 'api') =>
      kubernetesChangeMessage({ cluster: 'prod-eu', resource, namespace, name, verb: 'patch', region: 'eu-west-1' });
    const { targets, unmatched } = targetsOf([
      write('deployments', 'api-server'),
      write('configmaps', 'api-config'),
      write('deployments', 'other-service'),
      write('deployments', 'api-server', 'kube-system'),
      write('secrets', 'api-tokens'),
    ]);
    expect(targets.map((target) => [...target.sources])).toEqual([[[1, ['configmaps/api/api-config', 'deployments/api/api-server']]]]);
    expect(unmatched.map((message) => message.messageId)).toEqual(['m-2', 'm-3', 'm-4']);
  });
});

import { parseBaseline } from '../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline } from '../../lambdas/engine/model.js';
import type { FakeSsmParameter } from '../support/ssm-server.js';

/*
 * A small estate for the live-collection tests: two regions and two accounts, staging read with the
 * caller's credentials, production through a role, one of its SSM trees in another region than its own.
 */

/** A SecureString's value in the stand-in: it must never appear in anything collected or written. */
export const SSM_CANARY = 'collect-securestring-canary-never-kept';
/** The role production is read through. */
export const ROLE = 'arn:aws:iam::210987654321:role/drift-audit-read';
/** The caller's own (dummy) credentials. */
export const CREDENTIALS = { accessKeyId: 'AKIDCOLLECTTEST', secretAccessKey: 'collect-test-secret' };
/** The access key the SSM stand-in's STS hands out for any assumed role. */
export const ASSUMED_KEY = 'ASIAFAKEASSUMED';

/** Two regions, two accounts: staging in ours, production through a role, one SSM tree in another region. */
export const COLLECT_BASELINE_YAML = `
environments:
  staging-us:
    tier: staging
    region: us-east-1
    sources:
      ssm: [{ path: /staging-us/api/, key_style: env }]
  production-eu:
    tier: production
    region: eu-west-1
    account: "210987654321"
    role_arn: ${ROLE}
    sources:
      ssm:
        - { path: /production-eu/api/, key_style: env }
        - { path: /shared/flags/, key_style: env, region: us-east-1 }
      eks: [{ cluster: prod-eu, namespaces: [api, payments] }]
settings:
  PAYMENT_TIMEOUT: { value: 30, type: integer }
`;

/** The estate's parameters, per region. */
export function collectParameters(): Record<string, FakeSsmParameter[]> {
  return {
    'us-east-1': [
      { name: '/staging-us/api/payment/timeout', value: '30' },
      { name: '/staging-us/api/stripe/api_key', value: SSM_CANARY, type: 'SecureString' },
      { name: '/shared/flags/new_checkout', value: 'true', lastModifiedUser: 'arn:aws:iam::210987654321:user/release-bot' },
    ],
    'eu-west-1': [
      { name: '/production-eu/api/payment/timeout', value: '60', lastModifiedUser: 'arn:aws:iam::210987654321:user/oncall-alice' },
      { name: '/production-eu/api/stripe/api_key', value: SSM_CANARY, type: 'SecureString' },
      { name: '/production-eu/api/allowed_origins', value: 'a.example,b.example', type: 'StringList' },
    ],
  };
}

/** Parses a baseline written in YAML, failing the test on any issue. */
export function baselineOf(yaml: string): Baseline {
  const parsed = parseBaseline([{ name: 'baseline.yaml', text: yaml }]);
  if (!parsed.ok) throw new Error(`test baseline is invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.baseline;
}

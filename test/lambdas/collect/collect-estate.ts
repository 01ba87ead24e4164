import { parseBaseline } from '../../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline } from '../../../lambdas/engine/model.js';
import type { KubeFixtureObject } from '../../support/kube-server.js';
import type { FakeSsmParameter } from '../../support/ssm-server.js';

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

/*
 * A second estate for the redaction tests: secrets kept where people keep them by mistake. Plain
 * `String` parameters under a secret-looking name and under a harmless name declared `secret: true`,
 * literal env values, ConfigMap data read under secret names, `binaryData`, and the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation that repeats all of it.
 */

/** The value of a plain String parameter whose name looks secret (`SMTP_PASSWORD`). */
export const NAMED_CANARY = 'named-string-password-canary';
/** The value of a plain String parameter under a harmless name declared `secret: true` (`DSN`). */
export const DECLARED_CANARY = 'declared-secret-dsn-canary';
/** Literal values in Kubernetes objects under secret keys, and in their last-applied annotation. */
export const KUBE_CANARY = 'kube-literal-secret-canary';

/** Declares `DSN` and `MAILER_RELAY` secret (harmless names); `SMTP_PASSWORD` is secret by its name only. */
export const SECRET_BASELINE_YAML = `
environments:
  staging-us:
    tier: staging
    region: us-east-1
    sources:
      ssm: [{ path: /staging-us/api/, key_style: env }]
  production-eu:
    tier: production
    region: eu-west-1
    sources:
      ssm: [{ path: /production-eu/api/, key_style: env }]
      eks: [{ cluster: prod-eu, namespaces: [api, payments] }]
settings:
  PAYMENT_TIMEOUT: { value: 30, type: integer }
  DSN: { secret: true }
  MAILER_RELAY: { secret: true }
`;

/** The secret estate's parameters, per region. */
export function secretParameters(): Record<string, FakeSsmParameter[]> {
  return {
    'us-east-1': [
      { name: '/staging-us/api/payment/timeout', value: '30' },
      { name: '/staging-us/api/smtp/password', value: `${NAMED_CANARY}-staging` },
      { name: '/staging-us/api/dsn', value: `${DECLARED_CANARY}-staging` },
      { name: '/staging-us/api/stripe/api_key', value: SSM_CANARY, type: 'SecureString' },
    ],
    'eu-west-1': [
      { name: '/production-eu/api/payment/timeout', value: '60', lastModifiedUser: 'arn:aws:iam::210987654321:user/oncall-alice' },
      { name: '/production-eu/api/smtp/password', value: NAMED_CANARY },
      { name: '/production-eu/api/dsn', value: DECLARED_CANARY, type: 'StringList' },
      { name: '/production-eu/api/stripe/api_key', value: SSM_CANARY, type: 'SecureString' },
    ],
  };
}

/**
 * A mailer in namespace `api` with secrets in plain sight: literal `DSN` and `SMTP_PASSWORD`, an API key
 * read from ConfigMap key `provider-key` (harmless name), `MAILER_RELAY` through `envFrom` with a prefix,
 * `binaryData`, and last-applied annotations repeating every value.
 */
export function leakyKubeObjects(): KubeFixtureObject[] {
  const lastApplied = (manifest: unknown) => ({ 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(manifest) });
  const env = [
    { name: 'DSN', value: `${KUBE_CANARY}-dsn` },
    { name: 'SMTP_PASSWORD', value: `${KUBE_CANARY}-password` },
    { name: 'MAIL_FROM', value: 'noreply@example.com' },
    { name: 'MAILER_API_KEY', valueFrom: { configMapKeyRef: { name: 'mailer-config', key: 'provider-key' } } },
  ];
  const podSpec = { containers: [{ name: 'mailer', image: 'mailer:1.0.0', env, envFrom: [{ prefix: 'MAILER_', configMapRef: { name: 'mailer-env' } }] }] };
  const config = { 'provider-key': `${KUBE_CANARY}-provider`, region: 'eu' };
  const envData = { RELAY: `${KUBE_CANARY}-relay`, FROM_NAME: 'Shop' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'mailer', namespace: 'api', annotations: { ...lastApplied({ spec: { template: { spec: podSpec } } }), team: 'mail' } },
      spec: { selector: { matchLabels: { app: 'mailer' } }, template: { metadata: { labels: { app: 'mailer' } }, spec: podSpec } },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'mailer-config', namespace: 'api', annotations: lastApplied({ data: config }) },
      data: config,
      binaryData: { 'client.p12': Buffer.from(`${KUBE_CANARY}-binary`).toString('base64') },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mailer-env', namespace: 'api', annotations: lastApplied({ data: envData }) }, data: envData },
  ];
}

/**
 * A small EKS estate for wire tests: two namespaces whose workloads read env, ConfigMaps and a Secret,
 * with managedFields showing a pipeline (`helm`) and a hand edit (`kubectl-set`, seed 000's 2 AM fix).
 */
import type { KubeFixtureObject } from '../../../support/kube-server.js';

/** The cluster, region and credentials the fixtures and the reference token vector share. */
export const CLUSTER = 'prod-eu';
export const REGION = 'eu-west-1';
export const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE/token+with=chars',
} as const;
/** The time the reference token was signed at. */
export const SIGNED_AT = new Date('2026-11-23T12:00:00Z');
/**
 * `aws eks get-token` for CLUSTER in REGION with CREDENTIALS at SIGNED_AT, produced by botocore
 * 1.43.11 (the library the AWS CLI signs with) with its clock pinned; see eks-token.test.ts.
 */
export const REFERENCE_TOKEN =
  'k8s-aws-v1.aHR0cHM6Ly9zdHMuZXUtd2VzdC0xLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjIwMjYxMTIzJTJGZXUtd2VzdC0xJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjExMjNUMTIwMDAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TZWN1cml0eS1Ub2tlbj1Gd29HWlhJdllYZHpFWEFNUExFJTJGdG9rZW4lMkJ3aXRoJTNEY2hhcnMmWC1BbXotU2lnbmF0dXJlPWQ0MGQ3YzgwNTY3ZGZkMmNmNDcyNDAwODVhMzM4NWIwZjFhZDdkY2JlN2M5N2Q4MTZlNTk4NzhmNDQ4ZWM2ZDA';

/** The value a Secret holds in the fixture: it must never show up anywhere the audit writes. */
export const SECRET_CANARY = 'hunter2-never-read-this';

const HELM_TIME = '2026-05-01T10:00:00Z';
const KUBECTL_SET_TIME = '2026-08-14T02:13:00Z';

/** A managedFields entry owning env vars of one container. */
function envManager(
  manager: string,
  time: string,
  container: string,
  variables: readonly string[],
  podSpecPath: readonly string[] = ['f:spec', 'f:template', 'f:spec'],
): Record<string, unknown> {
  const env: Record<string, unknown> = { '.': {} };
  for (const name of variables) env[`k:{"name":"${name}"}`] = { '.': {}, 'f:name': {}, 'f:value': {} };
  let fields: Record<string, unknown> = { 'f:containers': { [`k:{"name":"${container}"}`]: { '.': {}, 'f:env': env, 'f:image': {} } } };
  for (const step of [...podSpecPath].reverse()) fields = { [step]: fields };
  return { manager, operation: 'Update', apiVersion: 'apps/v1', time, fieldsType: 'FieldsV1', fieldsV1: fields };
}

function workload(
  kind: string,
  namespace: string,
  name: string,
  podSpec: Record<string, unknown>,
  managedFields: readonly Record<string, unknown>[],
): KubeFixtureObject {
  const template = { metadata: { labels: { app: name } }, spec: podSpec };
  const spec = kind === 'CronJob' ? { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } : { selector: { matchLabels: { app: name } }, template };
  return {
    apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name, namespace, resourceVersion: '1001', uid: `uid-${namespace}-${name}`, managedFields },
    spec,
  };
}

function configMap(namespace: string, name: string, data: Record<string, string>): KubeFixtureObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace,
      resourceVersion: '2002',
      managedFields: [
        {
          manager: 'helm',
          operation: 'Update',
          apiVersion: 'v1',
          time: HELM_TIME,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': Object.fromEntries(Object.keys(data).map((k) => [`f:${k}`, {}])) },
        },
      ],
    },
    data,
  };
}

/** Builds the estate: namespaces `api` and `payments`. */
export function fixtureObjects(): KubeFixtureObject[] {
  return [
    // --- namespace api
    workload(
      'Deployment',
      'api',
      'api-server',
      {
        containers: [
          {
            name: 'app',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api-server:2.14.0',
            env: [
              { name: 'DB_TIMEOUT', value: '60s' },
              { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'log-level' } } },
              { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-secrets', key: 'db-password' } } },
            ],
            envFrom: [{ configMapRef: { name: 'api-config' } }],
          },
          { name: 'envoy', image: 'public.ecr.aws/envoyproxy/envoy:v1.31.2' },
        ],
      },
      [envManager('helm', HELM_TIME, 'app', ['LOG_LEVEL', 'DB_PASSWORD']), envManager('kubectl-set', KUBECTL_SET_TIME, 'app', ['DB_TIMEOUT'])],
    ),
    workload(
      'Deployment',
      'api',
      'api-worker',
      {
        containers: [
          { name: 'worker', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api-worker:2.14.0', env: [{ name: 'QUEUE_BATCH_SIZE', value: '50' }] },
        ],
      },
      [envManager('helm', HELM_TIME, 'worker', ['QUEUE_BATCH_SIZE'])],
    ),
    workload(
      'Deployment',
      'api',
      'legacy-admin',
      { containers: [{ name: 'admin', image: 'legacy/admin:0.9', env: [{ name: 'ADMIN_MODE', value: 'on' }] }] },
      [],
    ),
    workload('StatefulSet', 'api', 'api-cache', { containers: [{ name: 'redis', image: 'redis:7.2.4', env: [{ name: 'MAXMEMORY', value: '512mb' }] }] }, [
      envManager('helm', HELM_TIME, 'redis', ['MAXMEMORY']),
    ]),
    configMap('api', 'api-config', { 'log-level': 'warn', DATABASE_POOL_SIZE: '15', API_TIMEOUT: '120' }),
    configMap('api', 'unrelated-config', { SOMETHING_ELSE: 'x' }),
    configMap('api', 'kube-root-ca.crt', { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' }),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'api-secrets', namespace: 'api' },
      data: { 'db-password': Buffer.from(SECRET_CANARY).toString('base64') },
    },

    // --- namespace payments
    workload(
      'Deployment',
      'payments',
      'payment-gateway',
      {
        containers: [
          {
            name: 'gateway',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payment-gateway:5.2.1',
            env: [
              { name: 'PAYMENT_GATEWAY_TIMEOUT_MS', value: '3000' },
              { name: 'PAYMENT_MAX_RETRIES', valueFrom: { configMapKeyRef: { name: 'payments-config', key: 'PAYMENT_MAX_RETRIES' } } },
            ],
          },
        ],
      },
      [envManager('helm', HELM_TIME, 'gateway', ['PAYMENT_GATEWAY_TIMEOUT_MS', 'PAYMENT_MAX_RETRIES'])],
    ),
    workload(
      'DaemonSet',
      'payments',
      'log-shipper',
      {
        containers: [
          { name: 'fluent-bit', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2', env: [{ name: 'LOG_REGION', value: 'eu-west-1' }] },
        ],
      },
      [envManager('helm', HELM_TIME, 'fluent-bit', ['LOG_REGION'])],
    ),
    workload(
      'CronJob',
      'payments',
      'payment-reconcile',
      {
        restartPolicy: 'OnFailure',
        containers: [
          {
            name: 'reconcile',
            image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/payment-gateway:5.2.1',
            envFrom: [{ configMapRef: { name: 'payments-config' } }],
          },
        ],
      },
      [],
    ),
    configMap('payments', 'payments-config', { PAYMENT_MAX_RETRIES: '3', PAYMENT_TIMEOUT: '30s' }),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'payments-secrets', namespace: 'payments' },
      data: { key: Buffer.from(SECRET_CANARY).toString('base64') },
    },
  ];
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEksEndpoint, type EksEndpoint } from '../lambdas/sources/eks/eks-endpoint.js';
import { fixtureObjects } from '../lambdas/sources/eks/kube-fixtures.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startKubeServer, TEST_CA_PEM, type KubeFixtureObject, type KubeServer } from './kube-server.js';
import { startSsmServer, type FakeSsmParameter, type SsmServer } from './ssm-server.js';

/** A SecureString value planted in the estate: it must appear in no output, file, item or message. */
export const SSM_CANARY = 'securestring-canary-never-stored';

/**
 * The baseline of the small live estate: staging-us (SSM, us-east-1) and production-eu (SSM and an
 * EKS cluster, eu-west-1). Production drifts: PAYMENT_TIMEOUT 60 (set by hand), DB_TIMEOUT 60s
 * (`kubectl set env`), INVENTORY_SERVICE_URL never set.
 */
export const LIVE_BASELINE_YAML = `
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
applications:
  # The api reads its SSM tree; the Deployment and the nightly CronJob run its code.
  api:
    workloads: [deployment/api-server, cronjob/payment-reconcile]
settings:
  PAYMENT_TIMEOUT: { value: 30, type: integer, severity: high }
  PAYMENT_GATEWAY_URL: { value: "https://api.payment-provider.com" }
  INVENTORY_SERVICE_URL: { value: "https://inventory.internal", severity: high }
  STRIPE_API_KEY: { secret: true }
  DB_TIMEOUT: { type: duration, environments: { production-eu: 10s } }
ignore: ["*"]
defaults:
  unmanaged: ignore
`;

/**
 * Secret values kept where they travel in clear: a plain `String` parameter under a secret-looking name
 * (`STRIPE_WEBHOOK_SECRET`) and a ConfigMap key (`WEBHOOK_SIGNING_SECRET`). Served only by the proxied
 * estate, whose faults corrupt the byte right before them: neither may appear in any output, even in part.
 */
export const PLAIN_SSM_CANARY = 'whsec_Zq8vK3xW9pLrT5mN';
export const PLAIN_KUBE_CANARY = 'kmsig_Jx4Rb7Wq2Yt9Lp';

/** Every 6-character slice of a canary: a parser's message quotes about ten bytes around where it broke. */
export function canaryFragments(canary: string, length = 6): string[] {
  return Array.from({ length: canary.length - length + 1 }, (_, i) => canary.slice(i, i + length));
}

/** The loopback stand-ins serving that estate. */
export interface LiveEstate {
  readonly ssm: SsmServer;
  readonly kube: KubeServer;
  readonly eks: EksEndpoint;
  /** Where clients reach SSM (and STS) and EKS: the stand-ins themselves, or the fault proxies in front. */
  readonly endpoints: { readonly ssm: string; readonly eks: string };
  /** Present when started with `proxied: true`: one fault proxy in front of each stand-in. */
  readonly proxies?: { readonly ssm: FaultProxy; readonly eks: FaultProxy; readonly kube: FaultProxy };
  close(): Promise<void>;
}

/** Options of {@link startLiveEstate}. */
export interface LiveEstateOptions {
  /**
   * Puts a {@link FaultProxy} in front of SSM, EKS and the Kubernetes API (DescribeCluster then names
   * the Kubernetes proxy as the endpoint), and adds the plain-text canaries.
   * @default false
   */
  readonly proxied?: boolean;
}

const certificate = (name: string): string => readFileSync(fileURLToPath(new URL(`./certs/${name}`, import.meta.url)), 'utf8');

/** Starts SSM (both regions), the Kubernetes API over HTTPS and the EKS endpoint that points at it. */
export async function startLiveEstate(options: LiveEstateOptions = {}): Promise<LiveEstate> {
  const proxied = options.proxied === true;
  const extraParameters: FakeSsmParameter[] = proxied ? [{ name: '/production-eu/api/stripe/webhook_secret', value: PLAIN_SSM_CANARY }] : [];
  const extraObjects: KubeFixtureObject[] = proxied
    ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'webhook-config', namespace: 'api' }, data: { WEBHOOK_SIGNING_SECRET: PLAIN_KUBE_CANARY } }]
    : [];
  const ssm = await startSsmServer({
    account: '123456789012',
    parameters: {
      'us-east-1': [
        { name: '/staging-us/api/payment/timeout', value: '30' },
        { name: '/staging-us/api/payment/gateway_url', value: 'https://api.payment-provider.com' },
        { name: '/staging-us/api/inventory/service_url', value: 'https://inventory.internal' },
        { name: '/staging-us/api/stripe/api_key', value: SSM_CANARY, type: 'SecureString' },
      ],
      'eu-west-1': [
        { name: '/production-eu/api/payment/timeout', value: '60', lastModifiedUser: 'arn:aws:iam::123456789012:user/oncall-alice' },
        { name: '/production-eu/api/payment/gateway_url', value: 'https://api.payment-provider.com' },
        { name: '/production-eu/api/stripe/api_key', value: SSM_CANARY, type: 'SecureString' },
        ...extraParameters,
      ],
    },
  });
  const kube = await startKubeServer({ objects: [...fixtureObjects(), ...extraObjects], acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
  if (!proxied) {
    const eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
    return { ssm, kube, eks, endpoints: { ssm: ssm.url, eks: eks.url }, close: async () => void (await Promise.all([ssm.close(), kube.close(), eks.close()])) };
  }
  const kubeProxy = await startFaultProxy({ target: kube.url, tls: { key: certificate('server.key'), cert: certificate('server.pem'), ca: TEST_CA_PEM } });
  const eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kubeProxy.url, caPem: TEST_CA_PEM }]);
  const ssmProxy = await startFaultProxy({ target: ssm.url });
  const eksProxy = await startFaultProxy({ target: eks.url });
  return {
    ssm,
    kube,
    eks,
    endpoints: { ssm: ssmProxy.url, eks: eksProxy.url },
    proxies: { ssm: ssmProxy, eks: eksProxy, kube: kubeProxy },
    close: async () => void (await Promise.all([ssmProxy.close(), eksProxy.close(), kubeProxy.close(), ssm.close(), kube.close(), eks.close()])),
  };
}

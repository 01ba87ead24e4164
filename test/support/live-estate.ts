import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects } from '../sources/eks/kube-fixtures.js';
import { startKubeServer, TEST_CA_PEM, type KubeServer } from './kube-server.js';
import { startSsmServer, type SsmServer } from './ssm-server.js';

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

/** The loopback stand-ins serving that estate. */
export interface LiveEstate {
  readonly ssm: SsmServer;
  readonly kube: KubeServer;
  readonly eks: EksEndpoint;
  close(): Promise<void>;
}

/** Starts SSM (both regions), the Kubernetes API over HTTPS and the EKS endpoint that points at it. */
export async function startLiveEstate(): Promise<LiveEstate> {
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
      ],
    },
  });
  const kube = await startKubeServer({ objects: fixtureObjects(), acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
  const eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
  return { ssm, kube, eks, close: async () => void (await Promise.all([ssm.close(), kube.close(), eks.close()])) };
}

import { describe, expect, it } from 'vitest';
import { scanScenario, type ScenarioEnvironment } from '../../support/scenario-estate.js';

/**
 * A multi-service estate in the shape of Google's Online Boutique `kubernetes-manifests.yaml`: twelve
 * Deployments, most with their own `PORT`, services addressing each other by `host:port`.
 */
function boutique(): ScenarioEnvironment['deployments'] {
  return {
    emailservice: { env: { PORT: '8080', DISABLE_PROFILER: '1' } },
    checkoutservice: {
      env: {
        PORT: '5050',
        PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550',
        SHIPPING_SERVICE_ADDR: 'shippingservice:50051',
        PAYMENT_SERVICE_ADDR: 'paymentservice:50051',
        EMAIL_SERVICE_ADDR: 'emailservice:5000',
        CURRENCY_SERVICE_ADDR: 'currencyservice:7000',
        CART_SERVICE_ADDR: 'cartservice:7070',
      },
    },
    recommendationservice: { env: { PORT: '8080', PRODUCT_CATALOG_SERVICE_ADDR: 'productcatalogservice:3550' } },
    frontend: { env: { PORT: '8080', AD_SERVICE_ADDR: 'adservice:9555', ENV_PLATFORM: 'gcp' } },
    paymentservice: { env: { PORT: '50051' } },
    productcatalogservice: { env: { PORT: '3550' } },
    cartservice: { env: { REDIS_ADDR: 'redis-cart:6379', PORT: '7070', LISTEN_ADDR: '0.0.0.0' } },
    loadgenerator: { name: 'main', env: { FRONTEND_ADDR: 'frontend:80', USERS: '10' } },
    currencyservice: { env: { PORT: '7000' } },
    shippingservice: { env: { PORT: '50051' } },
    'redis-cart': { name: 'redis' },
    adservice: { env: { PORT: '9555' } },
  };
}

/** Production: a copy of staging with two hand changes (USERS 10 -> 50, REDIS_TIMEOUT_MS added to cartservice). */
function boutiqueProduction(): ScenarioEnvironment['deployments'] {
  const deployments = { ...boutique() };
  deployments.loadgenerator = { name: 'main', env: { FRONTEND_ADDR: 'frontend:80', USERS: '50' } };
  deployments.cartservice = { env: { REDIS_ADDR: 'redis-cart:6379', PORT: '7070', LISTEN_ADDR: '0.0.0.0', REDIS_TIMEOUT_MS: '2000' } };
  return deployments;
}

describe('Keys belong to the application that reads them', () => {
  it('reports exactly the two hand changes of a twelve-service estate, and never compares one service with another', async () => {
    // Act: no baseline beyond the environments, the way a team tries drift-audit first.
    const { code, findings } = await scanScenario('', {
      staging: { tier: 'staging', deployments: boutique() },
      production: { tier: 'production', deployments: boutiqueProduction(), byHand: { loadgenerator: ['USERS'], cartservice: ['REDIS_TIMEOUT_MS'] } },
    });

    // Assess
    expect(findings.map((finding) => [finding.type, finding.application, finding.key, finding.environment])).toEqual([
      ['parity', 'cartservice', 'REDIS_TIMEOUT_MS', 'production'],
      ['parity', 'loadgenerator', 'USERS', 'production'],
    ]);
    expect(findings.every((finding) => finding.severity === 'medium')).toBe(true);
    // A revert touches only the service that drifted.
    const users = findings.find((finding) => finding.key === 'USERS');
    expect(users?.fixes.revert?.command).toContain('deployment/loadgenerator');
    expect(users?.fixes.revert?.command).toContain('USERS=10');
    expect(users?.message).toContain('loadgenerator: ');
    expect(findings.some((finding) => finding.key === 'PORT')).toBe(false);
    expect(code).toBe(1);
  });

  it('keeps a sidecar a process of its own: its PORT never shadows the app container', async () => {
    const pod = [
      { name: 'app', env: { PORT: '8080' } },
      { name: 'proxy', env: { PORT: '15001' } },
    ];
    const { findings } = await scanScenario('', {
      staging: { tier: 'staging', deployments: { api: pod } },
      production: { tier: 'production', deployments: { api: pod } },
    });
    expect(findings).toEqual([]);
  });

  it('applies a shared setting to each application that reads it, and an application setting to that one only', async () => {
    const { findings } = await scanScenario(
      `
settings:
  LOG_LEVEL: info
applications:
  worker:
    settings:
      LOG_LEVEL: debug
`,
      {
        staging: { tier: 'staging', deployments: { api: { env: { LOG_LEVEL: 'info' } }, worker: { env: { LOG_LEVEL: 'debug' } } } },
        production: { tier: 'production', deployments: { api: { env: { LOG_LEVEL: 'warn' } }, worker: { env: { LOG_LEVEL: 'debug' } } } },
      },
    );
    expect(findings.map((finding) => finding.id)).toEqual(['changed:production:api:LOG_LEVEL']);
  });

  it('does not call a key missing where its application does not run at all', async () => {
    const { findings } = await scanScenario('settings:\n  FRONTEND_ADDR: "frontend:80"\n', {
      staging: { tier: 'staging', deployments: { api: { env: { PORT: '80' } } } },
      production: { tier: 'production', deployments: { api: { env: { PORT: '80' } }, loadgenerator: { env: { FRONTEND_ADDR: 'frontend:80' } } } },
    });
    expect(findings).toEqual([]);
  });

  it('counts a workload that sets no env as running: a key it gains in one environment is a difference', async () => {
    const { findings } = await scanScenario('', {
      staging: { tier: 'staging', deployments: { web: {} } },
      production: { tier: 'production', deployments: { web: { env: { LOG_LEVEL: 'debug' } } } },
    });
    expect(findings.map((finding) => finding.id)).toEqual(['parity:staging+production:web:LOG_LEVEL']);
  });

  it('raises no finding for identical copies that override envFrom with env, the way Kubernetes is meant to be used', async () => {
    const pod = { env: { DB_TIMEOUT: '10s' }, envFrom: ['defaults'] };
    const estate = { deployments: { api: pod }, configMaps: { defaults: { DB_TIMEOUT: '60s', POOL: '5' } } };
    const { code, findings } = await scanScenario('', { staging: { tier: 'staging', ...estate }, production: { tier: 'production', ...estate } });
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('compares the template around a referenced secret and never prints the secret', async () => {
    const pod = (host: string) => ({ env: { DB_PASSWORD: 'Hunter2Hunter2', DATABASE_URL: `postgres://app:$(DB_PASSWORD)@${host}:5432/app` } });
    const { findings } = await scanScenario('', {
      staging: { tier: 'staging', deployments: { api: pod('db') } },
      production: { tier: 'production', deployments: { api: pod('db-prod') } },
    });
    expect(findings.map((finding) => finding.key)).toEqual(['DATABASE_URL']);
    expect(JSON.stringify(findings)).toContain('postgres://app:$(DB_PASSWORD)@db-prod:5432/app');
    expect(JSON.stringify(findings)).not.toContain('Hunter2');
  });

  it('scopes exceptions and ignore patterns to an application when they name one', async () => {
    const { findings } = await scanScenario(
      `
ignore: ["loadgenerator:USERS"]
exceptions:
  - key: PORT
    application: api
    environment: production
    value: "81"
    owner: ops@example.com
    reason: INC-1 port move
    expires: 2099-01-01
`,
      {
        staging: { tier: 'staging', deployments: { api: { env: { PORT: '80' } }, web: { env: { PORT: '80' } }, loadgenerator: { env: { USERS: '1' } } } },
        production: { tier: 'production', deployments: { api: { env: { PORT: '81' } }, web: { env: { PORT: '81' } }, loadgenerator: { env: { USERS: '9' } } } },
      },
    );
    expect(findings.map((finding) => finding.id)).toEqual(['parity:staging+production:web:PORT']);
  });
});

describe('The contract on its own (seed 001: anything not on the list should be identical)', () => {
  const CONTRACT = `
expected_differences:
  LOG_LEVEL:
    staging: debug
    production: warn
  RESOURCE_LIMITS_CPU:
    staging: "2"
    production: "8"
  PAYMENT_GATEWAY_URL:
    staging: "https://mock.payment.internal"
    production: "https://api.payment-provider.com"
`;
  const payment = (overrides: Record<string, string>) => ({
    payment: {
      env: {
        LOG_LEVEL: 'debug',
        RESOURCE_LIMITS_CPU: '2',
        PAYMENT_GATEWAY_URL: 'https://mock.payment.internal',
        PAYMENT_GATEWAY_TIMEOUT_MS: '10000',
        RETRIES: '3',
        ...overrides,
      },
    },
  });

  it('reports PAYMENT_GATEWAY_TIMEOUT_MS 10000 vs 3000 as one difference showing both values, and nothing declared', async () => {
    const { findings } = await scanScenario(CONTRACT, {
      staging: { tier: 'staging', deployments: payment({}) },
      production: {
        tier: 'production',
        deployments: payment({
          LOG_LEVEL: 'warn',
          RESOURCE_LIMITS_CPU: '8',
          PAYMENT_GATEWAY_URL: 'https://api.payment-provider.com',
          PAYMENT_GATEWAY_TIMEOUT_MS: '3000',
        }),
      },
    });

    expect(findings).toHaveLength(1);
    const [difference] = findings;
    expect(difference).toMatchObject({ type: 'parity', severity: 'medium', key: 'PAYMENT_GATEWAY_TIMEOUT_MS', environment: 'staging+production' });
    expect(difference?.comparedWith).toEqual({ staging: { text: '10000', secret: false }, production: { text: '3000', secret: false } });
    // Two environments, no majority: nobody is blamed without evidence.
    expect(difference?.message).toContain('no value is held by a majority');
  });

  it('says nothing of contract keys on an estate where no application reads them', async () => {
    const { code, findings } = await scanScenario(CONTRACT, {
      staging: { tier: 'staging', deployments: boutique() },
      production: { tier: 'production', deployments: boutique() },
    });
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('points at the side changed outside the pipeline when attribution knows it', async () => {
    const { findings } = await scanScenario(CONTRACT, {
      staging: { tier: 'staging', deployments: payment({}) },
      production: {
        tier: 'production',
        deployments: payment({
          LOG_LEVEL: 'warn',
          RESOURCE_LIMITS_CPU: '8',
          PAYMENT_GATEWAY_URL: 'https://api.payment-provider.com',
          PAYMENT_GATEWAY_TIMEOUT_MS: '3000',
        }),
        byHand: { payment: ['PAYMENT_GATEWAY_TIMEOUT_MS'] },
      },
    });
    expect(findings.map((finding) => finding.id)).toEqual(['parity:production:payment:PAYMENT_GATEWAY_TIMEOUT_MS']);
    expect(findings[0]?.message).toContain('kubectl-set');
  });

  it('reports a key present in some environments only where it is extra or missing, and a majority names the odd one out', async () => {
    const { findings } = await scanScenario('', {
      'staging-us': { tier: 'staging', deployments: { api: { env: { A: '1', ONLY_HERE: 'x' } } } },
      'production-us': { tier: 'production', deployments: { api: { env: { A: '1' } } } },
      'production-eu': { tier: 'production', deployments: { api: { env: { A: '2' } } } },
    });
    expect(findings.map((finding) => finding.id).sort()).toEqual(['parity:production-eu:api:A', 'parity:staging-us:api:ONLY_HERE']);
  });

  it('compares within each tier under compare-tier, and reports unmanaged keys only under report', async () => {
    const estate = {
      staging: { tier: 'staging', deployments: { api: { env: { A: '1' } } } },
      production: { tier: 'production', deployments: { api: { env: { A: '2' } } } },
    };
    const perTier = await scanScenario('defaults:\n  unmanaged: compare-tier\n', estate);
    const report = await scanScenario('defaults:\n  unmanaged: report\n', estate);
    expect(perTier.findings).toEqual([]);
    expect(report.findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ['unmanaged:production:api:A', 'low'],
      ['unmanaged:staging:api:A', 'low'],
    ]);
  });
});

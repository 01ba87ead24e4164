import { describe, expect, it } from 'vitest';
import { detectSecret } from '../../../../lambdas/engine/secrets/detect-secret.js';
import { isRandomToken } from '../../../../lambdas/engine/secrets/random-token.js';
import { SECRET_FORMATS } from '../../../../lambdas/engine/secrets/secret-format.js';
import { sampler, secretSamples } from './secret-samples.js';

/**
 * Ordinary configuration values that must stay comparable and visible. Most are from public
 * multi-service manifests: Google's Online Boutique (`release/kubernetes-manifests.yaml` of
 * GoogleCloudPlatform/microservices-demo: service addresses, ports, images, probe flags, cookie
 * headers), plus the shapes every estate has (URLs without credentials, JVM flags, durations, feature
 * flags, digests, commit ids, UUIDs, Kubernetes names, AWS ids, base64 of short config).
 */
const ORDINARY: readonly string[] = [
  // `password` as a word, not a credential
  'bypass=1',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} placeholder is the test data, not a template
  'spring:\n  datasource:\n    password: ${DB_PASSWORD}\n',
  'Bearer',
  '--password-file=/run/secrets/db',
  // Online Boutique
  'productcatalogservice:3550',
  'redis-cart:6379',
  'currencyservice:7000',
  'shippingservice:50051',
  'recommendationservice:8080',
  'jaeger-collector:14268',
  'frontend:80',
  '0.0.0.0',
  '8080',
  'gcp',
  'gcr.io/google-samples/microservices-demo/emailservice:v0.2.0',
  'us-central1-docker.pkg.dev/google-samples/microservices-demo/frontend:v0.10.1',
  'shop_session-id=x-readiness-probe',
  '-addr=:8080',
  '-rpc-timeout=5s',
  'redis:alpine',
  // URLs and addresses without credentials
  'http://productcatalogservice:3550',
  'https://api.example.com/v1/orders?page=2&sort=desc',
  'redis://redis-cart:6379/0',
  'postgres://db.internal:5432/app',
  'postgres://app@db.internal:5432/app',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} placeholder is the test data, not a template
  'postgres://app:${DB_PASSWORD}@db.internal:5432/app',
  'postgres://app:$(DB_PASSWORD)@db:5432/app',
  'amqp://{{ .Values.user }}:{{ .Values.password }}@rabbitmq:5672/',
  'ssh://git@github.com/acme/deploy.git',
  'git@github.com:acme/deploy.git',
  'https://registry.npmjs.org/@babel/core',
  'http://localhost:8080/@me',
  'https://hooks.example.com/services/deploy',
  'kafka-0.kafka-headless.streaming.svc.cluster.local:9092,kafka-1.kafka-headless.streaming.svc.cluster.local:9092',
  'productcatalogservice.default.svc.cluster.local',
  'arn:aws:sns:eu-west-1:123456789012:drift-alerts',
  'arn:aws:iam::123456789012:role/service-role/AWSLambdaBasicExecutionRole',
  's3://acme-artifacts-prod/releases/2026-11-23/',
  'https://o123456.ingest.sentry.io/api/4505/security/',
  'jdbc:postgresql://db:5432/app?user=app&ssl=true',
  'https://api.example.com/callback?token=',
  // JVM, runtime and process flags
  '-Xmx512m',
  '-Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=200',
  '-XX:MaxRAMPercentage=75.0',
  '--max-old-space-size=4096',
  '-Dspring.profiles.active=production',
  // Durations, numbers, booleans, levels, flags
  '10s',
  '1h30m',
  'PT15M',
  '30000',
  '0.75',
  'true',
  'DEBUG',
  'warn',
  'new-checkout-flow,dark-mode,beta-search',
  'enableNewCheckoutFlowV2',
  'NEW_AUTH_FLOW',
  'checkout.v2.enabled=true',
  'auth_mode=password',
  'login_methods=password,sso',
  // Identifiers: digests, commits, UUIDs, cloud and Kubernetes names
  'sha256:4bd8a3b5c1e0f2a7d6c9b8e1f0a3d2c5b4e7f6a9d8c1b0e3f2a5d4c7b6e9f8a1',
  '4bd8a3b5c1e0f2a7d6c9b8e1f0a3d2c5b4e7f6a9',
  '9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08',
  '3f2b8c1e-9d4a-4e6b-8f7c-2a1d0e9b8c7f',
  '3F2B8C1E-9D4A-4E6B-8F7C-2A1D0E9B8C7F',
  'checkoutservice-7d4b9c6f5-x8k2p',
  'api-server-canary-7d4b9c6f5',
  'sg-0a1b2c3d4e5f67890',
  'vpc-0123456789abcdef0',
  'eu-west-1_aB3dE5fG7',
  'ap-southeast-2_Xy7Zq2Wm9',
  'AWSLambdaBasicExecutionRole',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'TLSv1.2',
  'projects/acme-prod/secrets/db-password/versions/3',
  '/production-eu/api/database/password',
  'assets/Images2024/Logo_Dark',
  'productCatalogServiceV2Endpoint',
  'HealthCheckIntervalSeconds30',
  'Production2024Release3Candidate',
  'MyApplicationName2024Prod',
  // Base64 of short config or public material
  Buffer.from('{"feature":"checkout","rollout":25}').toString('base64'),
  Buffer.from('log_level: warn\nregion: eu-west-1\n').toString('base64'),
  Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64'),
  'eyJmZWF0dXJlIjoiY2hlY2tvdXQifQ==',
  // Public keys and publishable keys
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtq3x7YtV0p9rQw2bM8nZk1sL4cJ5dE6fG7hI8jK9lM deploy@ci',
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
  '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----',
  'pk_live_51H8xYzAbCdEfGhIjKlMnOpQr',
  'sk-payments-service-canary-deployment-name',
  // Prose, masks and placeholders
  'Welcome to the Online Boutique!',
  'Password must be at least 12 characters',
  'Bearer',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${VAR} placeholder is the test data, not a template
  'Bearer ${TOKEN}',
  '********',
  'xxxxxxxxxxxxxxxxxxxxxxxx',
  '',
];

describe('Function: detectSecret', () => {
  it.each(Object.entries(secretSamples(20261123)))('calls %s secret', (_name, value) => {
    expect(detectSecret(value)).toBeDefined();
  });

  it.each(ORDINARY.map((value) => [value]))('leaves %j alone', (value) => {
    expect(detectSecret(value)).toBeUndefined();
  });

  it('names the format it recognised, so people see why a value is withheld', () => {
    const samples = secretSamples(7);
    const formats = Object.fromEntries(Object.entries(samples).map(([name, value]) => [name, detectSecret(value)]));
    expect(formats).toEqual({
      'aws-access-key-id': 'aws-access-key-id',
      'aws-temporary-key-id': 'aws-access-key-id',
      'aws-secret-access-key': 'high-entropy',
      'github-classic-token': 'github-token',
      'github-app-token': 'github-token',
      'github-fine-grained-token': 'github-token',
      'slack-bot-token': 'slack-token',
      'slack-webhook': 'slack-webhook',
      'stripe-live-key': 'stripe-secret-key',
      'google-api-key': 'google-api-key',
      'sendgrid-api-key': 'sendgrid-api-key',
      'private-key-pem': 'private-key',
      'openssh-private-key': 'private-key',
      jwt: 'jwt',
      'postgres-url-password': 'url-password',
      'redis-url-password': 'url-password',
      'amqp-default-credentials': 'url-password',
      'mongodb-srv-password': 'url-password',
      'jdbc-query-password': 'url-password',
      'sentry-dsn': 'sentry-dsn',
      'git-url-token': 'github-token',
      'presigned-url': 'url-token',
      'ado-connection-string': 'connection-string-password',
      'libpq-connection-string': 'connection-string-password',
      'bearer-header': 'authorization-header',
      'base64-of-database-url': 'base64-secret',
      'random-base64-key': 'high-entropy',
      'random-base62-token': 'high-entropy',
    });
    for (const format of Object.values(formats)) expect(Object.keys(SECRET_FORMATS)).toContain(format);
  });

  it.each([
    ['a properties file held in one value', 'spring.datasource.url=jdbc:postgresql://db/app\nspring.datasource.password=Pr0psPw-s'],
    ['a command-line flag', '--user=app --password=StgHunt3r'],
    ['a snake-case key', 'db_password=x1y2z3'],
    ['a mounted application.yml', 'spring:\n  datasource:\n    password: Yml4PwS\n'],
    ['a short Bearer token', 'Bearer sh0rtTkS'],
  ])('finds a credential in %s', (_name, value) => {
    expect(['connection-string-password', 'authorization-header']).toContain(detectSecret(value));
  });

  it('finds a token inside a longer value, but not a prefix inside a longer word', () => {
    const r = sampler(11);
    expect(detectSecret(`AWS_ACCESS_KEY_ID=AKIA${r(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`)).toBe('aws-access-key-id');
    expect(detectSecret(`tokens: ghp_${r(36)}, more`)).toBe('github-token');
    expect(detectSecret('XAKIAABCDEFGHIJKLMNOPQ')).toBeUndefined();
  });

  it('calls a redaction marker of a written snapshot secret, even expanded into another value', () => {
    expect(detectSecret('[redacted by drift-audit]')).toBe('redacted');
    expect(detectSecret('postgres://app:[redacted by drift-audit]@db/app')).toBe('redacted');
  });

  it('does not call a JWT-looking value secret when its header is not JSON naming an algorithm', () => {
    const header = Buffer.from('{"typ":"JWT"}').toString('base64url');
    expect(detectSecret(`${header}.eyJzdWIiOiIxIn0.c2ln`)).toBeUndefined();
  });
});

describe('Function: isRandomToken', () => {
  it('recognises at least 99.5% of random base62 and base64url tokens of 24 to 64 characters', () => {
    const r = sampler(42);
    let missed = 0;
    const draws = 2000;
    for (let i = 0; i < draws; i += 1) {
      const length = 24 + (i % 41);
      if (!isRandomToken(r(length, i % 2 === 0 ? undefined : 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'))) missed += 1;
    }
    expect(missed / draws).toBeLessThan(0.005);
  });
});

/**
 * Realistic secret-shaped values for the detector's labelled table and the canary tests. Generated
 * from a seeded PRNG rather than written out, so no string in the repository is a usable credential
 * (or trips a push-protection scanner), and each call gives a fresh canary.
 */
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE64URL = `${BASE62}-_`;
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

/** A deterministic generator of random-looking strings (mulberry32). */
export function sampler(seed: number): (length: number, alphabet?: string) => string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (length, alphabet = BASE62) => {
    // Every class present, as issuers' generators give in practice: retry the rare draw without one.
    for (;;) {
      let out = '';
      for (let i = 0; i < length; i += 1) out += alphabet[Math.floor(next() * alphabet.length)];
      if (alphabet !== BASE62 || (/[a-z]/.test(out) && /[A-Z]/.test(out) && /[0-9]/.test(out))) return out;
    }
  };
}

const base64url = (text: string): string => Buffer.from(text).toString('base64url');

/** One secret-shaped value per format (32 random bytes in base64 being the shape of most signing keys), fresh for each seed. */
export function secretSamples(seed: number): Record<string, string> {
  const r = sampler(seed);
  const jwtHeader = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const jwtPayload = base64url(JSON.stringify({ sub: `user-${r(6)}`, iat: 1767225600 }));
  return {
    'aws-access-key-id': `AKIA${r(16, UPPER_DIGITS)}`,
    'aws-temporary-key-id': `ASIA${r(16, UPPER_DIGITS)}`,
    'aws-secret-access-key': `${r(18)}/${r(10)}+${r(10)}`,
    'github-classic-token': `ghp_${r(36)}`,
    'github-app-token': `ghs_${r(36)}`,
    'github-fine-grained-token': `github_pat_${r(22)}_${r(59)}`,
    'slack-bot-token': `xoxb-${r(12, '0123456789')}-${r(13, '0123456789')}-${r(24)}`,
    'slack-webhook': `https://hooks.slack.com/services/T${r(8, UPPER_DIGITS)}/B${r(8, UPPER_DIGITS)}/${r(24)}`,
    'stripe-live-key': `sk_live_${r(24)}`,
    'google-api-key': `AIza${r(35, BASE64URL)}`,
    'sendgrid-api-key': `SG.${r(22, BASE64URL)}.${r(43, BASE64URL)}`,
    'private-key-pem': `-----BEGIN RSA PRIVATE KEY-----\n${r(64)}\n${r(64)}\n-----END RSA PRIVATE KEY-----`,
    'openssh-private-key': `-----BEGIN OPENSSH PRIVATE KEY-----\\n${r(70)}\\n-----END OPENSSH PRIVATE KEY-----`,
    jwt: `${jwtHeader}.${jwtPayload}.${r(43, BASE64URL)}`,
    'postgres-url-password': `postgres://app:${r(16)}@db.internal:5432/app`,
    'redis-url-password': `rediss://:${r(20)}@redis-cart:6380/0`,
    'amqp-default-credentials': 'amqp://guest:guest@rabbitmq:5672/',
    'mongodb-srv-password': `mongodb+srv://svc:${r(12)}@cluster0.${r(5, 'abcdefghijklmnopqrstuvwxyz0123456789')}.mongodb.net/shop`,
    'jdbc-query-password': `jdbc:postgresql://db:5432/app?user=app&password=${r(14)}`,
    'sentry-dsn': `https://${r(32, HEX)}@o${r(6, '0123456789')}.ingest.sentry.io/${r(7, '0123456789')}`,
    'git-url-token': `https://x-access-token:ghs_${r(36)}@github.com/acme/deploy.git`,
    'presigned-url': `https://bucket.s3.eu-west-1.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${r(64, HEX)}`,
    'ado-connection-string': `Server=tcp:sql.internal,1433;Database=shop;User Id=shop;Password=${r(14)};Encrypt=true`,
    'libpq-connection-string': `host=db port=5432 dbname=app user=app password=${r(14)}`,
    'bearer-header': `Bearer ${r(40)}`,
    'base64-of-database-url': Buffer.from(`postgres://app:${r(16)}@db/app`).toString('base64'),
    'random-base64-key': Buffer.from(r(64, HEX), 'hex').toString('base64'),
    'random-base62-token': r(32),
  };
}

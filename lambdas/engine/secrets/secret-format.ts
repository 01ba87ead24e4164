/**
 * The shapes of value the detector recognises as secret. Named in explanations and baseline-edit
 * refusals so people see *why* a value is withheld without seeing the value.
 */
export const SECRET_FORMATS = {
  'aws-access-key-id': 'an AWS access key id',
  'github-token': 'a GitHub token',
  'gitlab-token': 'a GitLab token',
  'slack-token': 'a Slack token',
  'slack-webhook': 'a Slack webhook URL',
  'stripe-secret-key': 'a Stripe secret key',
  'google-api-key': 'a Google API key',
  'sendgrid-api-key': 'a SendGrid API key',
  'npm-token': 'an npm token',
  'openai-api-key': 'an OpenAI or Anthropic API key',
  'private-key': 'a private key',
  jwt: 'a JSON Web Token',
  'url-password': 'a password in a URL',
  'url-token': 'a token in a URL',
  'sentry-dsn': 'a Sentry DSN key',
  'connection-string-password': 'a password in a connection string',
  'authorization-header': 'an HTTP Authorization credential',
  'base64-secret': 'a base64-encoded secret',
  'high-entropy': 'a random-looking token',
  redacted: 'a value drift-audit withheld when it wrote the snapshot',
} as const;

/** Why a value is treated as secret by its shape. */
export type SecretFormat = keyof typeof SECRET_FORMATS;

/** `an AWS access key id`: what people read; never contains any part of the value. */
export function describeSecretFormat(format: SecretFormat): string {
  return SECRET_FORMATS[format];
}

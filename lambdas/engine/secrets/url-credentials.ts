import { knownTokenFormat } from './known-tokens.js';
import { isRandomToken } from './random-token.js';
import { isPlaceholder } from './placeholder.js';
import type { SecretFormat } from './secret-format.js';

/** Query parameters that carry a credential (`?password=`, `&sig=` of an Azure SAS, `X-Amz-Signature`). */
const SECRET_QUERY_NAME =
  /^(?:password|passwd|pwd|pass|secret|client_secret|token|access_token|auth_token|api_?key|apikey|access_?key|sig|signature|x-amz-signature|x-amz-security-token)$/i;

/** `password=...` in a key/value connection string: libpq (`host=db password=x`), ADO.NET (`Password=x;`), JDBC query strings. */
// After a separator, a dot, a dash or an underscore: `;Password=`, `spring.datasource.password=`,
// `--password=`, `db_password=` (a properties file or a command line held in one value).
const KEY_VALUE_PASSWORD = /(?:^|[;&?\s,.\-_])(?:password|passwd|pwd|pass)\s*=\s*([^;&\s,]+)/gi;

/**
 * A `password:` line of a YAML (or similar) document held in one value, such as a mounted
 * `application.yml`: `  password: s3cret`. Only at the start of a line, so `pass: true` in prose is not.
 */
const LINE_PASSWORD = /(?:^|\n)[ \t]*(?:[\w-]*[._-])?(?:password|passwd|pwd)[ \t]*:[ \t]*["']?([^\s"'#]+)/gi;

/** `Basic <base64 user:pass>`, `Bearer <token>`, `Token <token>`, `Bot <token>`: an Authorization header value. */
const AUTHORIZATION = /^(Basic|Bearer|Token|Bot)\s+(\S+)$/;

/**
 * Credentials carried in a URL or a connection string, found by structure rather than by name:
 * - a URL's userinfo with a password (`postgres://app:PASSWORD@db/app`, `amqp://guest:guest@mq`,
 *   `rediss://:PASSWORD@cache:6380`), unless the password is a placeholder (`${DB_PASSWORD}`);
 * - a userinfo with no password that is itself a key: a Sentry DSN's public key (32 hex digits,
 *   `https://KEY@o1.ingest.sentry.io/2`), a known token format or a random-looking token
 *   (`https://ghp_...@github.com/org/repo.git`); a plain user name (`git`, `deploy`) is not;
 * - a credential in the query (`?password=`, `&sig=`, `X-Amz-Signature=`, `access_token=`);
 * - `password=` in a key/value connection string;
 * - an HTTP Authorization value (`Bearer ...`, `Basic ...` holding `user:password`).
 * URLs without credentials (`http://productcatalogservice:3550`, `redis://redis-cart:6379/0`) are not secret.
 */
export function credentialFormat(value: string): SecretFormat | undefined {
  if (value.includes('://')) {
    const inUrl = urlCredential(value);
    if (inUrl !== undefined) return inUrl;
  }
  if (value.includes('=')) {
    for (const match of value.matchAll(KEY_VALUE_PASSWORD)) {
      if (!isPlaceholder(match[1] ?? '')) return 'connection-string-password';
    }
  }
  if (value.includes(':')) {
    for (const match of value.matchAll(LINE_PASSWORD)) {
      if (!isPlaceholder(match[1] ?? '')) return 'connection-string-password';
    }
  }
  const header = AUTHORIZATION.exec(value);
  if (header !== null && isAuthorizationCredential(header[1] as string, header[2] as string)) return 'authorization-header';
  return undefined;
}

// Every URL in the value is checked: lists of brokers (`sasl://u:p@b1:9092,sasl://u:p@b2:9092`) are common.
function urlCredential(value: string): SecretFormat | undefined {
  let from = value.indexOf('://');
  while (from >= 0) {
    const start = from + 3;
    const end = endOf(value, start, AUTHORITY_END);
    const authority = value.slice(start, end);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const found = userinfoCredential(authority.slice(0, at), authority.slice(at + 1));
      if (found !== undefined) return found;
    }
    if (value[end] === '/' || value[end] === '?') {
      const queryStart = value.indexOf('?', end);
      const next = value.indexOf('://', start);
      const inQuery =
        queryStart >= 0 && (next < 0 || queryStart < next) ? queryCredential(value.slice(queryStart + 1, endOf(value, queryStart + 1, QUERY_END))) : undefined;
      if (inQuery !== undefined) return inQuery;
    }
    from = value.indexOf('://', start);
  }
  return undefined;
}

function userinfoCredential(userinfo: string, host: string): SecretFormat | undefined {
  const colon = userinfo.indexOf(':');
  if (colon >= 0) {
    return isPlaceholder(decode(userinfo.slice(colon + 1))) ? undefined : 'url-password';
  }
  const user = decode(userinfo);
  if (/^[0-9a-f]{32}$/i.test(user)) return host.toLowerCase().includes('sentry') ? 'sentry-dsn' : 'url-token';
  if (knownTokenFormat(user) !== undefined || isRandomToken(user)) return 'url-token';
  return undefined;
}

function queryCredential(query: string): SecretFormat | undefined {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = decode(pair.slice(0, eq));
    if (SECRET_QUERY_NAME.test(name) && !isPlaceholder(decode(pair.slice(eq + 1)))) {
      return /^(?:password|passwd|pwd|pass)$/i.test(name) ? 'url-password' : 'url-token';
    }
  }
  return undefined;
}

function isAuthorizationCredential(scheme: string, credential: string): boolean {
  if (isPlaceholder(credential)) return false;
  // Whatever follows Bearer/Token/Bot is the credential itself, however short: an Authorization value
  // is never configuration. Six characters keeps `Bearer auth`-style prose out.
  if (scheme !== 'Basic') return credential.length >= 6;
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  return /^[^:\s]*:\S+$/.test(decoded);
}

/** Where the URL part starting at `start` ends: at the first of `stops` (character codes). */
function endOf(value: string, start: number, stops: readonly number[]): number {
  for (let i = start; i < value.length; i += 1) if (stops.includes(value.charCodeAt(i))) return i;
  return value.length;
}

// `/ ? # , space tab newline` end an authority; `# , space tab newline` end a query.
const AUTHORITY_END = [47, 63, 35, 44, 32, 9, 10];
const QUERY_END = [35, 44, 32, 9, 10];

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

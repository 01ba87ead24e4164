import { EKSClient } from '@aws-sdk/client-eks';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { StandardRetryStrategy } from '@smithy/util-retry';
// Types only (see budget-middleware.ts).
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger, RetryStrategyV2 } from '@smithy/types';
import { ApiCallCounter } from './api-call-counter.js';
import { budgetPlugin } from './budget-middleware.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, requestHandlerOptions } from './http-timeouts.js';
import { RequestBudget } from './request-budget.js';
import { responseDeadlinePlugin } from './response-deadline.js';

/** Where a client talks to: a region, and the role to assume there when the environment names one. */
export interface AwsTarget {
  readonly region: string;
  /** Assumed with STS AssumeRole (temporary credentials, refreshed by the SDK) when present. */
  readonly roleArn?: string;
  /**
   * The account the target is in (the environment's `account`), when declared. Parameter Store
   * throttles per account and Region, so the budget keeps a bucket per account: the account given
   * here, else the one in `roleArn`, else one shared bucket per region for the caller's own account.
   */
  readonly account?: string;
}

/** The 12-digit account of an IAM role ARN (`arn:aws:iam::123456789012:role/x`), if it is one. */
export function accountOfRoleArn(roleArn: string | undefined): string | undefined {
  return roleArn === undefined ? undefined : /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(roleArn)?.[1];
}

/** The account a target's requests are budgeted under (see {@link AwsTarget.account}). */
export function budgetAccountOf(target: AwsTarget): string | undefined {
  return target.account ?? accountOfRoleArn(target.roleArn);
}

/** Services the factory builds clients for; also the label used in API call counts. */
export type AwsServiceName = 'SSM' | 'EKS' | 'STS';

/**
 * Client settings that override the factory's, per target and service. Meant for tests and stand-ins
 * (`endpoint: 'http://127.0.0.1:PORT'`, dummy credentials); in production leave it out so the SDK
 * resolves endpoints itself and honours `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_SSM`.
 */
export interface AwsClientOverrides {
  readonly endpoint?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly logger?: Logger;
}

/** Options of {@link AwsClientFactory}. Every field has a production default. */
export interface AwsClientFactoryOptions {
  /**
   * The per-region budget shared by every client the factory builds.
   * @default new RequestBudget() (half the documented SSM quota)
   */
  readonly budget?: RequestBudget;
  /** @default new ApiCallCounter() */
  readonly counter?: ApiCallCounter;
  /** Named profile of the shared config files (the CLI's `--profile`). @default the SDK's default chain */
  readonly profile?: string;
  /**
   * Attempts per call (first try included) for throttling and transient errors, with the SDK's
   * standard exponential backoff and jitter.
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * Builds the retry strategy of each client. A factory, not an instance: the standard strategy keeps
   * a retry-token budget per instance, and clients must not drain each other's.
   * Tests pass `() => new ConfiguredRetryStrategy(3, () => 0)` for instant retries.
   * @default () => new StandardRetryStrategy(maxAttempts)
   */
  readonly retryStrategy?: () => RetryStrategyV2;
  /**
   * Deadline of one attempt in milliseconds, from sending the request to the last byte of the answer
   * (the handler's `requestTimeout` bounds the wait for headers, {@link responseDeadlinePlugin} the
   * body). A failed attempt is retried like any timeout, so a call lasts at most about
   * `maxAttempts` times this.
   * @default 10000
   */
  readonly requestTimeoutMs?: number;
  /** Milliseconds to establish a connection. @default 3000 */
  readonly connectionTimeoutMs?: number;
  /**
   * Milliseconds a connection may stay silent (no byte either way) before the attempt fails: a stall
   * after the headers ends sooner than the deadline. Capped at `requestTimeoutMs`.
   * @default 5000
   */
  readonly socketTimeoutMs?: number;
  /** Session name in CloudTrail for assumed roles. @default 'drift-audit' */
  readonly roleSessionName?: string;
  /** @default none: the SDK resolves endpoints and credentials */
  readonly overrides?: AwsClientOverrides | ((target: AwsTarget, service: AwsServiceName) => AwsClientOverrides);
}

/**
 * Builds SDK clients per (region, role), all paced by one shared {@link RequestBudget} and counted by
 * one {@link ApiCallCounter}, and caches them so every source reading a region reuses one client.
 *
 * Endpoint resolution is left to the SDK unless an override is given, so the standard endpoint
 * variables work for LocalStack or any stand-in.
 */
export class AwsClientFactory {
  readonly budget: RequestBudget;
  readonly counter: ApiCallCounter;
  private readonly options: AwsClientFactoryOptions;
  private readonly cache = new Map<string, SSMClient | EKSClient | STSClient>();
  /** One assumed-role session per role, shared by every client and region that reads through it. */
  private readonly roleCredentials = new Map<string, AwsCredentialIdentityProvider>();

  constructor(options: AwsClientFactoryOptions = {}) {
    this.options = options;
    this.budget = options.budget ?? new RequestBudget();
    this.counter = options.counter ?? new ApiCallCounter();
  }

  /** The SSM client for a target; one per (region, role). */
  ssm(target: AwsTarget): SSMClient {
    return this.cached('SSM', target, (config) => new SSMClient(config));
  }

  /** The EKS client for a target; one per (region, role). */
  eks(target: AwsTarget): EKSClient {
    return this.cached('EKS', target, (config) => new EKSClient(config));
  }

  /** The STS client for a target (e.g. for presigning EKS tokens); one per (region, role). */
  sts(target: AwsTarget): STSClient {
    return this.cached('STS', target, (config) => new STSClient(config));
  }

  /** Closes the sockets of every client built so far. */
  destroy(): void {
    for (const client of this.cache.values()) client.destroy();
    this.cache.clear();
  }

  private cached<C extends SSMClient | EKSClient | STSClient>(service: AwsServiceName, target: AwsTarget, build: (config: SharedClientConfig) => C): C {
    const account = budgetAccountOf(target);
    const key = `${service}|${target.region}|${target.roleArn ?? ''}|${account ?? ''}`;
    const existing = this.cache.get(key);
    if (existing) return existing as C;
    const client = build(this.configFor(service, target));
    client.middlewareStack.use(
      budgetPlugin({ region: target.region, ...(account === undefined ? {} : { account }), service, budget: this.budget, counter: this.counter }),
    );
    client.middlewareStack.use(responseDeadlinePlugin(this.requestTimeoutMs()));
    this.cache.set(key, client);
    return client;
  }

  private overridesFor(target: AwsTarget, service: AwsServiceName): AwsClientOverrides {
    const { overrides } = this.options;
    if (overrides === undefined) return {};
    return typeof overrides === 'function' ? overrides(target, service) : overrides;
  }

  private requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  private baseConfig(service: AwsServiceName, target: AwsTarget): SharedClientConfig {
    const o = this.options;
    const overrides = this.overridesFor(target, service);
    const maxAttempts = o.maxAttempts ?? 4;
    const requestTimeout = this.requestTimeoutMs();
    return {
      region: target.region,
      retryStrategy: o.retryStrategy ? o.retryStrategy() : new StandardRetryStrategy(maxAttempts),
      // The options-object form lets the SDK build its own NodeHttpHandler: no import of it here.
      // Headers, connect and idle bounded here (a source's socket idles at most 5 s: a stall after the
      // headers ends sooner than the deadline); responseDeadlinePlugin bounds the body.
      requestHandler: requestHandlerOptions({
        requestTimeoutMs: requestTimeout,
        ...(o.connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs: o.connectionTimeoutMs }),
        socketTimeoutMs: o.socketTimeoutMs ?? 5_000,
      }),
      ...(o.profile === undefined ? {} : { profile: o.profile }),
      ...(overrides.endpoint === undefined ? {} : { endpoint: overrides.endpoint }),
      ...(overrides.credentials === undefined ? {} : { credentials: overrides.credentials }),
      ...(overrides.logger === undefined ? {} : { logger: overrides.logger }),
    };
  }

  private configFor(service: AwsServiceName, target: AwsTarget): SharedClientConfig {
    const config = this.baseConfig(service, target);
    if (target.roleArn === undefined) return config;
    const shared = this.roleCredentials.get(target.roleArn);
    if (shared !== undefined) return { ...config, credentials: shared };
    // The role is assumed in the target's region through STS, itself paced and counted, with the
    // caller's own credentials (profile, environment, instance role) as the source.
    const stsTarget: AwsTarget = { region: target.region };
    const sts = this.baseConfig('STS', stsTarget);
    const base = this.overridesFor(target, service).credentials;
    const credentials = shareUntilExpiry(
      fromTemporaryCredentials({
        params: {
          RoleArn: target.roleArn,
          RoleSessionName: this.options.roleSessionName ?? 'drift-audit',
          DurationSeconds: 900,
        },
        ...(base === undefined ? {} : { masterCredentials: base }),
        clientConfig: { ...sts, ...(base === undefined ? {} : { credentials: base }) },
        clientPlugins: [
          budgetPlugin({ region: target.region, service: 'STS', budget: this.budget, counter: this.counter }),
          responseDeadlinePlugin(this.requestTimeoutMs()),
        ],
      }),
    );
    this.roleCredentials.set(target.roleArn, credentials);
    return { ...config, credentials };
  }
}

/** Refresh assumed-role credentials this long before they expire. */
const CREDENTIAL_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Shares one provider's credentials between clients until shortly before they expire. Each SDK client
 * caches credentials on its own, so without this every (service, region) client of a role would call
 * AssumeRole for itself; the credentials are global, one session serves them all.
 */
function shareUntilExpiry(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const cached = current === undefined ? undefined : await current.catch(() => undefined);
    if (cached !== undefined && (cached.expiration === undefined || cached.expiration.getTime() - Date.now() > CREDENTIAL_REFRESH_MARGIN_MS)) {
      return cached;
    }
    current = provider();
    return current;
  };
}

/** The configuration fields the factory sets; common to every SDK v3 client. */
interface SharedClientConfig {
  region: string;
  retryStrategy: RetryStrategyV2;
  requestHandler: { requestTimeout: number; connectionTimeout: number; socketTimeout: number; throwOnRequestTimeout: boolean };
  profile?: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  logger?: Logger;
}

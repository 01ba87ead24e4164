import {
  DescribeParametersCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  type Parameter,
  type ParameterMetadata,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import pLimit from 'p-limit';
import { isSecretKey } from '../../engine/analyse/show-value.js';
import type { EnvironmentSpec, SourceStatus, SsmSourceSpec } from '../../engine/model.js';
import type { AwsClientFactory } from '../aws/aws-client-factory.js';
import { AwsReadError } from '../aws/aws-read-error.js';
import { asMalformedResponse } from '../aws/malformed-response-error.js';
import { abortedReadMessage } from '../read-failure.js';
import type { Source, SourceReadResult } from '../source.js';
import { isRedacted, normaliseSsmPrefix, ssmParametersToObservations, toLogicalKey, type SsmParameterRecord } from './ssm-observations.js';
import { checkDescribePage, checkGetParameters, checkValuesPage } from './ssm-response-shape.js';

/** SSM's page-size ceilings: GetParametersByPath and GetParameters take 10, DescribeParameters 50. */
const VALUES_PAGE = 10;
const DESCRIBE_PAGE = 50;

/** Options of {@link SsmSource}. */
export interface SsmSourceOptions {
  readonly spec: SsmSourceSpec;
  /** The region to read (the spec's, else the environment's). */
  readonly region: string;
  /** The environment's account, used when a parameter carries no ARN. */
  readonly account?: string;
  /**
   * A client for that region and account. Build it with {@link AwsClientFactory} so it is paced by the
   * shared per-region budget and counted; a bare client works but is neither.
   */
  readonly client: SSMClient;
  /**
   * The records this same source yielded last time (from the previous snapshot). When given, the read
   * is incremental: metadata pages only, and values for new or re-versioned parameters alone.
   */
  readonly previous?: readonly SsmParameterRecord[];
  /**
   * Whether a logical key is secret now (the baseline's `secret`, else a secret-looking name). A
   * previous record whose value was withheld for secrecy (`redacted`) is reused unfetched only while
   * its key is still secret: once the baseline says otherwise, its value is read again so it can be
   * compared. @default the key-name rule of `isSecretKey`
   */
  readonly secretKey?: (key: string) => boolean;
  /** GetParameters batches in flight at once; the budget still paces them. @default 4 */
  readonly concurrency?: number;
}

/** What one read cost and how it went, for progress lines and the benchmark. */
export interface SsmReadStats {
  readonly mode: 'full' | 'incremental';
  /** Parameters listed by DescribeParameters. */
  readonly described: number;
  /** Parameter values read (GetParametersByPath or GetParameters). */
  readonly valuesRead: number;
  /** Values taken from the previous snapshot because the version did not move. */
  readonly valuesReused: number;
}

/** A source result that also carries the raw records, for the snapshot writer and the next incremental run. */
export interface SsmSourceReadResult extends SourceReadResult {
  /** Sorted by name; empty when the read failed. SecureString records never hold a value. */
  readonly records: readonly SsmParameterRecord[];
  readonly stats: SsmReadStats;
}

import { ssmSourceId } from './ssm-source-id.js';

export { ssmSourceId };

/**
 * One SSM Parameter Store tree of one environment, read live.
 *
 * Full read: DescribeParameters (Path filter, recursive, 50 a page) for who changed what when, and
 * GetParametersByPath (recursive, 10 a page) for values, both paged at once so the read takes as long
 * as the slower of the two budgets rather than their sum. Incremental read: DescribeParameters only,
 * then GetParameters (10 names a call) for the parameters whose version moved or that are new.
 * A previous record stored without its value because its key is secret (`redacted`) is reused as it
 * is while the version holds: a secret key is audited by presence, so its value is not fetched again.
 *
 * SecureString values are never decrypted (`WithDecryption: false`, so no kms:Decrypt is needed) and
 * never kept: not even the ciphertext the API returns in their place. Any failed call fails the whole
 * read (a partial page set would report parameters as missing), and so does an answer without the
 * fields its operation always carries (see ssm-response-shape.ts: an empty body is not an empty
 * tree). The failure becomes an `error` status whose message never quotes a response: `read()` never
 * throws.
 */
export class SsmSource implements Source {
  readonly id: string;
  private readonly options: SsmSourceOptions;
  /** The prefix as the API wants it: `/production/api` (no trailing slash, except the root). */
  private readonly apiPath: string;

  constructor(options: SsmSourceOptions) {
    this.options = options;
    this.id = ssmSourceId(options.region, options.spec.path);
    const prefix = normaliseSsmPrefix(options.spec.path);
    this.apiPath = prefix === '/' ? '/' : prefix.slice(0, -1);
  }

  async read(signal?: AbortSignal): Promise<SsmSourceReadResult> {
    const mode = this.options.previous === undefined ? 'full' : 'incremental';
    // One controller for the read: the first failure stops the sibling pagers, so a broken read does
    // not keep spending the region's budget.
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { records, stats } = mode === 'full' ? await this.readFull(controller.signal) : await this.readIncremental(controller.signal);
      const observations = ssmParametersToObservations(records, {
        prefix: this.options.spec.path,
        keyStyle: this.options.spec.keyStyle,
        ...(this.options.spec.application === undefined ? {} : { application: this.options.spec.application }),
        region: this.options.region,
        ...(this.options.account === undefined ? {} : { account: this.options.account }),
      });
      return { observations, images: [], records, stats, status: this.status(observations.length) };
    } catch (error) {
      controller.abort();
      const what = `list SSM parameters under ${this.apiPath}`;
      const failure = error instanceof AwsReadError ? error : new AwsReadError(what, this.options.region, error);
      // Cut by the caller (a deadline): whatever the transport then threw, the read was aborted.
      const aborted = signal?.aborted === true;
      return {
        observations: [],
        images: [],
        records: [],
        stats: { mode, described: 0, valuesRead: 0, valuesReused: 0 },
        status: {
          ...this.status(0),
          status: 'error',
          error: aborted
            ? { code: 'aborted', message: `cannot ${what} in ${this.options.region}: ${abortedReadMessage(signal)}` }
            : { code: failure.code, message: failure.message },
        },
      };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private status(itemCount: number): SourceStatus {
    return { id: this.id, kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount };
  }

  private async readFull(signal: AbortSignal): Promise<{ records: SsmParameterRecord[]; stats: SsmReadStats }> {
    const [described, valued] = await Promise.all([this.describeAll(signal), this.valuesByPath(signal)]);
    const metadata = byName(described);
    const values = byName(valued);
    const records: SsmParameterRecord[] = [];
    const toFetch: string[] = [];
    for (const name of [...new Set([...metadata.keys(), ...values.keys()])]) {
      const meta = metadata.get(name);
      const value = values.get(name);
      if (value && (meta === undefined || (value.Version ?? 0) >= (meta.Version ?? 0))) {
        records.push(toRecord(value, meta));
      } else if (meta && meta.Type === 'SecureString') {
        records.push(toRecord(undefined, meta));
      } else if (meta) {
        // Listed by DescribeParameters but missing or older in the values pages: it was written between
        // the two listings. Read its value now rather than report a stale or absent one.
        toFetch.push(name);
      }
    }
    const fetched = await this.valuesByName(toFetch, metadata, signal);
    records.push(...fetched);
    return {
      records: sortRecords(records),
      stats: { mode: 'full', described: described.length, valuesRead: valued.length + fetched.length, valuesReused: 0 },
    };
  }

  private async readIncremental(signal: AbortSignal): Promise<{ records: SsmParameterRecord[]; stats: SsmReadStats }> {
    const described = await this.describeAll(signal);
    const previous = new Map((this.options.previous ?? []).map((r) => [r.name, r]));
    const metadata = byName(described);
    const records: SsmParameterRecord[] = [];
    const toFetch: string[] = [];
    let reused = 0;
    for (const [name, meta] of metadata) {
      if (meta.Type === 'SecureString') {
        records.push(toRecord(undefined, meta));
        continue;
      }
      const before = previous.get(name);
      const unchanged = before !== undefined && before.type !== 'SecureString' && sameRevision(before, meta);
      if (unchanged && isRedacted(before) && this.stillSecret(name)) {
        records.push({ ...toRecord(undefined, meta), redacted: true });
        reused += 1;
      } else if (unchanged && !isRedacted(before) && before.value !== undefined) {
        records.push({ ...toRecord(undefined, meta), value: before.value });
        reused += 1;
      } else {
        toFetch.push(name);
      }
    }
    const fetched = await this.valuesByName(toFetch, metadata, signal);
    records.push(...fetched);
    return {
      records: sortRecords(records),
      stats: { mode: 'incremental', described: described.length, valuesRead: fetched.length, valuesReused: reused },
    };
  }

  /** Whether the parameter's key is secret under the current baseline (see {@link SsmSourceOptions.secretKey}). */
  private stillSecret(name: string): boolean {
    const prefix = normaliseSsmPrefix(this.options.spec.path);
    if (!name.startsWith(prefix) || name.length === prefix.length) return false;
    const key = toLogicalKey(name.slice(prefix.length), this.options.spec.keyStyle);
    return (this.options.secretKey ?? ((candidate: string) => isSecretKey(candidate)))(key);
  }

  private async describeAll(signal: AbortSignal): Promise<ParameterMetadata[]> {
    const what = `list SSM parameters under ${this.apiPath}`;
    return this.paginate(what, signal, async (token) => {
      const out = await this.options.client
        .send(
          new DescribeParametersCommand({
            ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: [this.apiPath] }],
            MaxResults: DESCRIBE_PAGE,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => Promise.reject(asMalformedResponse('DescribeParameters', error)));
      return { items: checkDescribePage(out), next: out.NextToken };
    });
  }

  private async valuesByPath(signal: AbortSignal): Promise<Parameter[]> {
    const what = `list SSM parameters under ${this.apiPath}`;
    return this.paginate(what, signal, async (token) => {
      const out = await this.options.client
        .send(
          new GetParametersByPathCommand({
            Path: this.apiPath,
            Recursive: true,
            WithDecryption: false,
            MaxResults: VALUES_PAGE,
            ...(token === undefined ? {} : { NextToken: token }),
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => Promise.reject(asMalformedResponse('GetParametersByPath', error)));
      return { items: checkValuesPage('GetParametersByPath', out), next: out.NextToken };
    });
  }

  /** GetParameters in batches of 10; names gone since the listing (InvalidParameters) drop out. */
  private async valuesByName(names: readonly string[], metadata: ReadonlyMap<string, ParameterMetadata>, signal: AbortSignal): Promise<SsmParameterRecord[]> {
    if (names.length === 0) return [];
    const limit = pLimit(Math.max(1, this.options.concurrency ?? 4));
    const batches: string[][] = [];
    for (let i = 0; i < names.length; i += VALUES_PAGE) batches.push(names.slice(i, i + VALUES_PAGE));
    const results = await Promise.all(
      batches.map((batch) =>
        limit(async () => {
          try {
            const out = await this.options.client
              .send(new GetParametersCommand({ Names: batch, WithDecryption: false }), { abortSignal: signal })
              .catch((error: unknown) => Promise.reject(asMalformedResponse('GetParameters', error)));
            return checkGetParameters(batch, out).map((p) => toRecord(p, metadata.get(p.Name ?? '')));
          } catch (error) {
            throw new AwsReadError(`read SSM parameter values under ${this.apiPath}`, this.options.region, error);
          }
        }),
      ),
    );
    return results.flat();
  }

  private async paginate<T>(
    what: string,
    signal: AbortSignal,
    fetchPage: (token: string | undefined) => Promise<{ items: readonly T[]; next: string | undefined }>,
  ): Promise<T[]> {
    const all: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    try {
      do {
        signal.throwIfAborted();
        const page = await fetchPage(token);
        all.push(...page.items);
        token = page.next === '' ? undefined : page.next;
        if (token !== undefined) {
          if (seen.has(token)) throw new PagingLoopError();
          seen.add(token);
        }
      } while (token !== undefined);
    } catch (error) {
      throw new AwsReadError(what, this.options.region, error);
    }
    return all;
  }
}

/** The service handed back a NextToken it had already given: following it would never end. */
class PagingLoopError extends Error {
  override readonly name = 'PagingLoopError';
  constructor() {
    super('the service returned a NextToken it had already returned');
  }
}

/**
 * Builds the SSM source for one declared tree of one environment, with a client from the shared
 * factory (so the region's budget and the run's call counts cover it).
 * Throws a TypeError when neither the spec nor the environment names a region: that is a baseline
 * error, not a read failure.
 * @param secretKey see {@link SsmSourceOptions.secretKey}
 */
export function createSsmSource(
  factory: AwsClientFactory,
  environment: Pick<EnvironmentSpec, 'name' | 'region' | 'account' | 'roleArn'>,
  spec: SsmSourceSpec,
  previous?: readonly SsmParameterRecord[],
  secretKey?: (key: string) => boolean,
): SsmSource {
  const region = spec.region ?? environment.region;
  if (region === undefined) {
    throw new TypeError(`environment ${environment.name}: SSM source ${spec.path} has no region (set one on the source or the environment)`);
  }
  const client = factory.ssm({
    region,
    ...(environment.roleArn === undefined ? {} : { roleArn: environment.roleArn }),
    ...(environment.account === undefined ? {} : { account: environment.account }),
  });
  return new SsmSource({
    spec,
    region,
    client,
    ...(environment.account === undefined ? {} : { account: environment.account }),
    ...(previous === undefined ? {} : { previous }),
    ...(secretKey === undefined ? {} : { secretKey }),
  });
}

type RecordType = SsmParameterRecord['type'];

function recordType(type: string | undefined): RecordType {
  return type === 'SecureString' || type === 'StringList' ? type : 'String';
}

/**
 * Joins what GetParameters(ByPath) and DescribeParameters said of one parameter. The value's version
 * wins; LastModifiedUser is kept only when both describe the same version (otherwise it names the
 * writer of an older one). SecureString values are dropped here, whatever the API returned.
 */
function toRecord(value: Parameter | undefined, meta: ParameterMetadata | undefined): SsmParameterRecord {
  const name = value?.Name ?? meta?.Name ?? '';
  const type = recordType(value?.Type ?? meta?.Type);
  const version = value?.Version ?? meta?.Version;
  const sameVersion = meta !== undefined && (value === undefined || value.Version === meta.Version);
  const modified = value?.LastModifiedDate ?? meta?.LastModifiedDate;
  const arn = value?.ARN ?? meta?.ARN;
  const dataType = value?.DataType ?? meta?.DataType;
  return {
    name,
    type,
    ...(type !== 'SecureString' && value?.Value !== undefined ? { value: value.Value } : {}),
    ...(version === undefined ? {} : { version }),
    ...(modified === undefined ? {} : { lastModifiedDate: modified.toISOString() }),
    ...(sameVersion && meta?.LastModifiedUser !== undefined ? { lastModifiedUser: meta.LastModifiedUser } : {}),
    ...(arn === undefined ? {} : { arn }),
    ...(meta?.Tier === undefined ? {} : { tier: meta.Tier }),
    ...(dataType === undefined ? {} : { dataType }),
  };
}

/**
 * Whether a stored record describes the revision DescribeParameters lists now. The version alone is
 * not enough: a parameter deleted and created again restarts at version 1 with any value, and a
 * state file read against another account can hold the same name at the same version. The write
 * time tells those apart, so a reused value is always the one the service holds.
 */
function sameRevision(before: SsmParameterRecord, meta: ParameterMetadata): boolean {
  if (before.version !== meta.Version) return false;
  const listed = meta.LastModifiedDate?.toISOString();
  return before.lastModifiedDate === listed;
}

function byName<T extends { Name?: string | undefined }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (item.Name !== undefined) map.set(item.Name, item);
  return map;
}

function sortRecords(records: SsmParameterRecord[]): SsmParameterRecord[] {
  return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

import { DescribeParametersCommand, GetParametersCommand, type ParameterMetadata, type SSMClient } from '@aws-sdk/client-ssm';
import { AwsReadError } from '../aws/aws-read-error.js';
import { asMalformedResponse } from '../aws/malformed-response-error.js';
import { checkDescribePage, checkGetParameters } from './ssm-response-shape.js';
import type { SsmParameterRecord } from './ssm-observations.js';
import { toRecord } from './ssm-source.js';

/**
 * SSM's ceilings: a ParameterStringFilter takes at most 50 values (and DescribeParameters returns at
 * most 50 a page); GetParameters takes at most 10 names.
 */
const NAMES_PER_DESCRIBE = 50;
const NAMES_PER_GET = 10;

/** What a read of some parameters by name found: one record per name that exists now, sorted by name. */
export interface NamedSsmRead {
  readonly records: readonly SsmParameterRecord[];
  /** Names asked for that no longer exist (deleted). */
  readonly gone: readonly string[];
  /** Calls made: DescribeParameters and GetParameters. */
  readonly calls: number;
}

/**
 * Reads the named parameters alone, as a change event names them: DescribeParameters with a `Name`
 * `Equals` filter (50 names a call) for the metadata, which is the only place SSM says who wrote a
 * version (`LastModifiedUser`: GetParameters does not return it), then GetParameters (10 names a call,
 * never decrypted) for the values of those that are not SecureString. A name DescribeParameters does
 * not list is gone. A parameter written again between the two calls keeps the newer value without a
 * writer (`toRecord` drops a writer of an older version). Throws {@link AwsReadError} on any failed
 * call: a partial answer would report the unread names as deleted.
 */
export async function readSsmParametersByName(client: SSMClient, names: readonly string[], region: string, signal?: AbortSignal): Promise<NamedSsmRead> {
  const unique = [...new Set(names)].sort();
  let calls = 0;
  const metadata = new Map<string, ParameterMetadata>();
  try {
    for (const batch of chunks(unique, NAMES_PER_DESCRIBE)) {
      let token: string | undefined;
      do {
        signal?.throwIfAborted();
        calls += 1;
        const out = await client
          .send(
            new DescribeParametersCommand({
              ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: batch }],
              MaxResults: NAMES_PER_DESCRIBE,
              ...(token === undefined ? {} : { NextToken: token }),
            }),
            signal === undefined ? {} : { abortSignal: signal },
          )
          .catch((error: unknown) => Promise.reject(asMalformedResponse('DescribeParameters', error)));
        for (const meta of checkDescribePage(out)) if (meta.Name !== undefined) metadata.set(meta.Name, meta);
        token = out.NextToken === '' ? undefined : out.NextToken;
      } while (token !== undefined);
    }
  } catch (error) {
    throw new AwsReadError(`describe SSM parameters ${describeNames(unique)}`, region, error);
  }
  const valued = unique.filter((name) => metadata.has(name) && metadata.get(name)?.Type !== 'SecureString');
  const records: SsmParameterRecord[] = unique
    .filter((name) => metadata.get(name)?.Type === 'SecureString')
    .map((name) => toRecord(undefined, metadata.get(name)));
  try {
    for (const batch of chunks(valued, NAMES_PER_GET)) {
      signal?.throwIfAborted();
      calls += 1;
      const out = await client
        .send(new GetParametersCommand({ Names: batch, WithDecryption: false }), signal === undefined ? {} : { abortSignal: signal })
        .catch((error: unknown) => Promise.reject(asMalformedResponse('GetParameters', error)));
      for (const parameter of checkGetParameters(batch, out)) records.push(toRecord(parameter, metadata.get(parameter.Name ?? '')));
    }
  } catch (error) {
    throw new AwsReadError(`read SSM parameter values ${describeNames(valued)}`, region, error);
  }
  const found = new Set(records.map((record) => record.name));
  return { records: records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), gone: unique.filter((name) => !found.has(name)), calls };
}

/** The previous records of a source with the named ones replaced by what was read now (absent: deleted). */
export function mergeNamedRecords(
  previous: readonly SsmParameterRecord[],
  names: readonly string[],
  read: readonly SsmParameterRecord[],
): SsmParameterRecord[] {
  const replaced = new Set(names);
  const merged = [...previous.filter((record) => !replaced.has(record.name)), ...read];
  return merged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `/a/b` or `/a/b and 3 more`: names, never values, in an error message. */
function describeNames(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '(none)') : `${names[0]} and ${names.length - 1} more`;
}

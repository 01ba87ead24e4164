/**
 * Small DynamoDB primitives shared by the history store and its queries: paging, expression
 * attribute hygiene and error wrapping. No table knowledge lives here.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { HistoryConflictError, HistoryReadError, HistoryWriteError } from './history-errors.js';

/** The DynamoDB document client, or anything that sends its commands the same way (tests wrap it). */
export type HistoryDocumentClient = Pick<DynamoDBDocumentClient, 'send'>;

/** Runs a Query to its last page (following LastEvaluatedKey), wrapping failures in `HistoryReadError`. */
export async function queryAllPages(
  client: HistoryDocumentClient,
  input: QueryCommandInput,
  what: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    let page: QueryCommandOutput;
    try {
      page = await client.send(new QueryCommand({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
    } catch (error) {
      throw new HistoryReadError(`cannot ${what} in table ${input.TableName ?? '?'}: ${describeError(error)}`, { cause: error });
    }
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined && items.length < limit);
  return items.length > limit ? items.slice(0, limit) : items;
}

/**
 * The names and values an expression set really uses: DynamoDB rejects unused ones, and one
 * attribute map serves several expression variants here.
 */
export function expressionAttributes(
  expressions: readonly string[],
  names: Readonly<Record<string, string>>,
  values: Readonly<Record<string, unknown>>,
): { ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
  const used = (placeholder: string): boolean => {
    // Placeholders are `#name` / `:name`, no regex metacharacters; the lookahead stops `#state` matching `#stateX`.
    const pattern = new RegExp(`${placeholder}(?![A-Za-z0-9_])`);
    return expressions.some((expression) => pattern.test(expression));
  };
  const pick = <T>(record: Readonly<Record<string, T>>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).filter(([placeholder]) => used(placeholder)));
  const pickedValues = pick(values);
  return {
    ExpressionAttributeNames: pick(names),
    ...(Object.keys(pickedValues).length > 0 ? { ExpressionAttributeValues: pickedValues } : {}),
  };
}

/** Whether DynamoDB refused a write because its condition did not hold (the item says no, not the network). */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Wraps a failed write as `HistoryWriteError` naming the item and table; history errors pass through unchanged. */
export function writeError(what: string, table: string, error: unknown): Error {
  if (error instanceof HistoryWriteError || error instanceof HistoryConflictError) return error;
  return new HistoryWriteError(`cannot write ${what} to table ${table}: ${describeError(error)}`, { cause: error });
}

/** `Name: message` of an SDK error (`ConditionalCheckFailedException: ...`), for error messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}

/** Distinct values in code-unit order, so what the store writes is the same on every run. */
export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

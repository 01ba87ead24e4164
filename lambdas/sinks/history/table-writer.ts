import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  PutCommandInput,
  QueryCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type pLimit from 'p-limit';
import type { HistoryDocumentClient } from './dynamo-operations.js';
import { describeError, isConditionFailure, queryAllPages, writeError } from './dynamo-operations.js';
import { HistoryReadError, HistoryWriteError } from './history-errors.js';
import { settleAll } from './settle-writes.js';

type Input<T> = Omit<T, 'TableName'>;

/** One key of the history table. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * The history table as the store's modules use it: single-item writes whose failures are typed
 * (`HistoryWriteError` naming the item, the table and DynamoDB's answer), conditional writes that say
 * whether they applied, strongly consistent reads, paged queries and batched puts.
 */
export class TableWriter {
  constructor(
    readonly client: HistoryDocumentClient,
    readonly tableName: string,
  ) {}

  /** Sends a write; a refused condition is an error like any other here. */
  async put(input: Input<PutCommandInput>, what: string): Promise<void> {
    await this.send(() => this.client.send(new PutCommand({ ...input, TableName: this.tableName })), what);
  }

  async update(input: Input<UpdateCommandInput>, what: string): Promise<void> {
    await this.send(() => this.client.send(new UpdateCommand({ ...input, TableName: this.tableName })), what);
  }

  async delete(input: Input<DeleteCommandInput>, what: string): Promise<void> {
    await this.send(() => this.client.send(new DeleteCommand({ ...input, TableName: this.tableName })), what);
  }

  /** A conditional put: the item it replaced (`ReturnValues: ALL_OLD`) when applied, `false` when its condition did not hold. */
  async tryPut(input: Input<PutCommandInput>, what: string): Promise<{ readonly old?: Record<string, unknown> } | false> {
    try {
      const out = await this.client.send(new PutCommand({ ...input, TableName: this.tableName, ReturnValues: 'ALL_OLD' }));
      return out.Attributes === undefined ? {} : { old: out.Attributes };
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw writeError(what, this.tableName, error);
    }
  }

  /** A conditional update: whether it applied. */
  async tryUpdate(input: Input<UpdateCommandInput>, what: string): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ ...input, TableName: this.tableName }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw writeError(what, this.tableName, error);
    }
  }

  /** A conditional delete: whether it applied. */
  async tryDelete(input: Input<DeleteCommandInput>, what: string): Promise<boolean> {
    try {
      await this.client.send(new DeleteCommand({ ...input, TableName: this.tableName }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw writeError(what, this.tableName, error);
    }
  }

  /** A strongly consistent read of one item. */
  async get(key: ItemKey, what: string): Promise<Record<string, unknown> | undefined> {
    try {
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }));
      return out.Item;
    } catch (error) {
      throw new HistoryReadError(`cannot read ${what} from table ${this.tableName}: ${describeError(error)}`, { cause: error });
    }
  }

  async queryAll(input: Input<QueryCommandInput>, what: string): Promise<Record<string, unknown>[]> {
    return queryAllPages(this.client, { ...input, TableName: this.tableName }, what);
  }

  /**
   * BatchWriteItem in chunks of 25, retrying unprocessed items with exponential backoff. Unconditional:
   * only for items no one else writes (a run's own plan).
   */
  async batchPut(
    items: readonly object[],
    what: string,
    options: { readonly limit: ReturnType<typeof pLimit>; readonly maxAttempts: number; readonly sleep: (ms: number) => Promise<void> },
  ): Promise<void> {
    type Requests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];
    const chunks: Requests[] = [];
    for (let i = 0; i < items.length; i += 25) {
      chunks.push(items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: { ...item } } })));
    }
    await settleAll(chunks, options.limit, async (chunk) => {
      let pending: Requests = chunk;
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        if (attempt >= options.maxAttempts) {
          throw new HistoryWriteError(`cannot write ${what} to table ${this.tableName}: ${pending.length} items still unprocessed after ${attempt} attempts`);
        }
        if (attempt > 0) await options.sleep(Math.min(50 * 2 ** attempt, 5_000));
        let out: BatchWriteCommandOutput;
        try {
          out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        } catch (error) {
          throw writeError(what, this.tableName, error);
        }
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    });
  }

  private async send(operation: () => Promise<unknown>, what: string): Promise<void> {
    try {
      await operation();
    } catch (error) {
      throw writeError(what, this.tableName, error);
    }
  }
}

/** The strings of a DynamoDB string set (or list) attribute as the document client returns it. */
export function stringSet(value: unknown): Set<string> {
  if (value instanceof Set) return new Set([...value].map(String));
  if (Array.isArray(value)) return new Set(value.map(String));
  return new Set();
}

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, type AttributeDefinition, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { HISTORY_TABLE_SCHEMA } from '../../lambdas/sinks/history/table-schema.js';

/** dynalite ships no types; this is the part of its API the tests use. */
type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

/** A running in-memory dynalite with the history table created from `HISTORY_TABLE_SCHEMA`. */
export interface DynaliteTable {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly tableName: string;
  /** A real DynamoDB client pointed at the server (dummy credentials). */
  readonly client: DynamoDBClient;
  /** The document client over `client`, as the history store receives it in production. */
  readonly documentClient: DynamoDBDocumentClient;
  /**
   * Every item of the table (or of another table on the same server), for assertions that must see
   * everything (tests may Scan; code never does).
   */
  scanAll(tableName?: string): Promise<Record<string, unknown>[]>;
  /** Creates another history table on the same server, for tests that want a fresh table per case. */
  createTable(tableName: string): Promise<void>;
  /** Destroys the clients and closes the server. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite on 127.0.0.1 (an ephemeral port, in memory) and creates the history table exactly
 * as the schema describes it: `pk`/`sk`, the four GSIs with ALL projection, every key attribute a
 * string. dynalite has no TTL API, so `expiresAt` is only asserted as an attribute.
 */
export async function startDynaliteTable(tableName = 'drift-audit-history'): Promise<DynaliteTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const documentClient = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

  await createHistoryTable(client, tableName);

  return {
    endpoint,
    tableName,
    client,
    documentClient,
    createTable: (name) => createHistoryTable(client, name),
    async scanAll(name = tableName) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documentClient.send(new ScanCommand({ TableName: name, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return items;
    },
    async stop() {
      documentClient.destroy();
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** Creates the history table exactly as the schema describes it and waits until it and its indexes are active. */
async function createHistoryTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const schema = HISTORY_TABLE_SCHEMA;
  const keyNames = new Set<string>([schema.partitionKey, schema.sortKey]);
  const indexes: GlobalSecondaryIndex[] = Object.entries(schema.indexes).map(([name, index]) => {
    keyNames.add(index.partitionKey);
    keyNames.add(index.sortKey);
    return {
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    };
  });
  const attributes: AttributeDefinition[] = [...keyNames].sort().map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: schema.partitionKey, KeyType: 'HASH' },
        { AttributeName: schema.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: attributes,
      GlobalSecondaryIndexes: indexes,
    }),
  );
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const ready = Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

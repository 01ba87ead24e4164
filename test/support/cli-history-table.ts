import { HistoryStore } from '../../lambdas/sinks/history/history-store.js';
import { seedHistory } from '../lambdas/sinks/history/history-harness.js';
import { startDynaliteTable, type DynaliteTable } from './dynalite.js';

/** A seeded history table the CLI's own SDK clients reach (AWS_ENDPOINT_URL_DYNAMODB), and how to put the environment back. */
export interface CliHistoryTable {
  readonly table: DynaliteTable;
  /** Restores `process.env` and stops the table. */
  readonly stop: () => Promise<void>;
}

/**
 * Starts dynalite with the history harness's seeded runs and points the SDK's DynamoDB endpoint,
 * credentials and region at it through the environment, as a user's shell would.
 */
export async function startCliHistoryTable(name: string): Promise<CliHistoryTable> {
  const table = await startDynaliteTable(name);
  await seedHistory(new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName }));
  const savedEnv = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDHISTORY',
    AWS_SECRET_ACCESS_KEY: 'history-secret',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  return {
    table,
    stop: async () => {
      process.env = savedEnv;
      await table.stop();
    },
  };
}

import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromIni } from '@aws-sdk/credential-providers';
import { runHistoryCommand } from '../../lambdas/sinks/history/history-cli.js';
import { requestHandlerOptions, withResponseDeadline, type HttpTimeouts } from '../../lambdas/sources/aws/http-timeouts.js';
import { wantsColor, type CliIo } from './cli-io.js';

/** Options of `drift-audit history`. */
export interface HistoryOptions {
  /** The region whose drift history to show (a filter, not where the table lives). */
  readonly region: string;
  readonly environment?: string;
  readonly key?: string;
  readonly since: string;
  readonly open: boolean;
  /** List the reminders sent (digests, expiring exceptions) instead of the timeline. */
  readonly reminders?: boolean;
  readonly json: boolean;
  readonly table?: string;
  readonly stackName?: string;
  readonly profile?: string;
  readonly color?: boolean;
}

/**
 * `drift-audit history`: a per-region timeline of when each drift opened, changed and resolved.
 * The table is found in the deployed stack's outputs, in the region of the caller's AWS config
 * (AWS_REGION or the profile), which is where the stack was deployed. `timeouts` bound every call
 * (the project defaults unless a caller, a test, passes shorter ones).
 */
export async function runHistory(io: CliIo, options: HistoryOptions, timeouts: HttpTimeouts = {}): Promise<number> {
  const credentials = options.profile === undefined ? {} : { credentials: fromIni({ profile: options.profile }) };
  // The project's deadlines: a table endpoint that never answers fails the command instead of hanging it.
  const requestHandler = requestHandlerOptions(timeouts);
  const dynamo = withResponseDeadline(new DynamoDBClient({ ...credentials, requestHandler }), timeouts);
  const documentClient = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const cloudFormationClient = withResponseDeadline(new CloudFormationClient({ ...credentials, requestHandler }), timeouts);
  try {
    const text = await runHistoryCommand(
      {
        region: options.region,
        ...(options.environment === undefined ? {} : { environment: options.environment }),
        ...(options.key === undefined ? {} : { key: options.key }),
        since: options.since,
        open: options.open,
        ...(options.reminders === true ? { reminders: true } : {}),
        json: options.json,
        ...(options.table === undefined ? {} : { table: options.table }),
        ...(options.stackName === undefined ? {} : { stackName: options.stackName }),
        color: wantsColor(io, options.color),
      },
      { documentClient, cloudFormationClient, now: io.now() },
    );
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  } finally {
    dynamo.destroy();
    cloudFormationClient.destroy();
  }
}

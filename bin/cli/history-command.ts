import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromIni } from '@aws-sdk/credential-providers';
import { DEFAULT_STACK_NAME, runHistoryCommand } from '../../lambdas/sinks/history/history-cli.js';
import { requestHandlerOptions, withResponseDeadline, type HttpTimeouts } from '../../lambdas/sources/aws/http-timeouts.js';
import { wantsColor, type CliIo } from './cli-io.js';
import type { FlagValues, OptionSpecs } from './option-spec.js';
import { UsageError } from './usage-error.js';

const TABLE = 'Table';

/** The flags of `drift-audit history`, declared once for the parser and its `--help`. */
export const HISTORY_FLAGS = {
  region: { type: 'string', valueName: 'REGION', description: 'only drift in REGION (a filter: the table is read where the stack is deployed)' },
  env: { type: 'string', short: 'e', valueName: 'ENV', description: 'only this environment' },
  key: { type: 'string', valueName: 'KEY', description: 'only this key, in every region (or in --region)' },
  since: {
    type: 'string',
    valueName: 'WHEN',
    default: '30d',
    description: 'the window of transitions: a duration back (12h, 30d, 2w) or an ISO date; open drift is shown whatever its age',
  },
  open: { type: 'boolean', default: false, description: 'only what is open now, worst first (no transitions)' },
  reminders: { type: 'boolean', default: false, description: 'the reminders sent, by day (digests of long-open drift, expiring exceptions)' },
  json: { type: 'boolean', default: false, description: 'as JSON' },
  table: { group: TABLE, type: 'string', valueName: 'NAME', description: 'the history table', defaultDescription: 'the HistoryTableName output of --stack' },
  stack: { group: TABLE, type: 'string', valueName: 'NAME', description: 'the deployed stack to read the table name from', default: DEFAULT_STACK_NAME },
  profile: { group: TABLE, type: 'string', valueName: 'NAME', description: 'AWS profile (same as AWS_PROFILE)' },
  'no-color': { type: 'boolean', default: false, description: 'plain text even on a terminal (also NO_COLOR)' },
} as const satisfies OptionSpecs;

/**
 * The options of `history` from its flags. Transitions are read by region, environment or key (each
 * has its index), so the timeline needs one of them; `--open` and `--reminders` need none.
 */
export function historyOptionsOf(values: FlagValues<typeof HISTORY_FLAGS>): HistoryOptions {
  if (values.open && values.reminders) throw new UsageError('choose --open or --reminders, not both');
  if (!values.open && !values.reminders && values.region === undefined && values.env === undefined && values.key === undefined) {
    throw new UsageError('history needs --region REGION, --env ENV or --key KEY to choose which transitions to read (--open and --reminders need none)');
  }
  return {
    ...(values.region === undefined ? {} : { region: values.region }),
    ...(values.env === undefined ? {} : { environment: values.env }),
    ...(values.key === undefined ? {} : { key: values.key }),
    since: values.since,
    open: values.open,
    ...(values.reminders ? { reminders: true } : {}),
    json: values.json,
    ...(values.table === undefined ? {} : { table: values.table }),
    stackName: values.stack,
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values['no-color'] ? { color: false } : {}),
  };
}

/** Options of `drift-audit history`. */
export interface HistoryOptions {
  /** Only drift in this region (a filter, not where the table lives). */
  readonly region?: string;
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
 * `drift-audit history`: what is open now and a timeline of when each drift opened, changed and resolved.
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
        ...(options.region === undefined ? {} : { region: options.region }),
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

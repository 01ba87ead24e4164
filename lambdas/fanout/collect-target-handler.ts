/**
 * Lambda entry point of the fan-out collector: one invocation per target (Distributed Map child),
 * with its own request budget (its share of the region's) and its own deadline.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { AUDIT_FUNCTION_ENV, DEFAULT_AUDIT_SERVICE_NAME } from '../runtime/function-environment.js';
import { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import { requestHandlerOptions, withResponseDeadline } from '../sources/aws/http-timeouts.js';
import { RequestBudget, scaledRequestRates } from '../sources/aws/request-budget.js';
import { ssmRequestRatesFromEnvironment } from '../audit/request-rates-environment.js';
import { collectTarget, type CollectTargetDependencies, type CollectTargetInput } from './collect-target.js';
import type { TargetPointer } from './fanout-layout.js';

const logger = new Logger({ serviceName: `${process.env[AUDIT_FUNCTION_ENV.serviceName] ?? DEFAULT_AUDIT_SERVICE_NAME}-collector` });

/**
 * How long the read may take when `remainingMs` are left: all but a reserve for writing the result
 * (a tenth, between 2 s and 10 s). A read cut here is an `aborted` source-error the final step
 * reports; an invocation killed by the timeout leaves the state machine's catch to record it.
 */
export function targetDeadlineMs(remainingMs: number): number {
  const reserve = Math.min(10_000, Math.max(2_000, remainingMs / 10));
  return Math.max(0, Math.floor(remainingMs - reserve));
}

/** The production wiring of one invocation: a fresh budget at the target's share, so no two targets share a bucket. */
export function collectorDependencies(input: CollectTargetInput, s3: S3Client): CollectTargetDependencies {
  const rates = scaledRequestRates(ssmRequestRatesFromEnvironment(process.env), input.target.budgetShare);
  return {
    s3,
    factory: new AwsClientFactory({ budget: new RequestBudget({ rates }) }),
    statePrefix: process.env[AUDIT_FUNCTION_ENV.statePrefix] ?? 'state/',
  };
}

let s3: S3Client | undefined;

/** Lambda entry point (the Distributed Map's item processor). */
export async function handler(event: CollectTargetInput, context: Context): Promise<TargetPointer> {
  const requestHandler = requestHandlerOptions();
  s3 ??= withResponseDeadline(new S3Client({ requestHandler }), {});
  logger.appendKeys({ target: event.target.key, sourceId: event.target.sourceId });
  const pointer = await collectTarget(event, collectorDependencies(event, s3), AbortSignal.timeout(targetDeadlineMs(context.getRemainingTimeInMillis())));
  // Counts only: values never reach the log.
  logger.info('target collected', { status: pointer.status, itemCount: pointer.itemCount });
  return pointer;
}

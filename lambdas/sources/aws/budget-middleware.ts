// Types only: @smithy/types ships with every @aws-sdk client, and nothing of it is loaded at run time.
import type { AbsoluteLocation, DeserializeHandlerOptions, DeserializeMiddleware, MiddlewareStack, Pluggable } from '@smithy/types';
import type { ApiCallCounter } from './api-call-counter.js';
import { isThrottlingError } from './aws-read-error.js';
import { operationGroup, type RequestBudget } from './request-budget.js';

/** What {@link budgetMiddleware} paces and counts against. */
export interface BudgetMiddlewareOptions {
  /** The region the client talks to; buckets and counts are per region. */
  readonly region: string;
  /** The account the client's credentials act in, when known: buckets are per account too. */
  readonly account?: string;
  /** Service label used in counts, e.g. `SSM`, `EKS`, `STS`. */
  readonly service: string;
  /** Absent: no pacing. */
  readonly budget?: RequestBudget;
  /** Absent: no counting. */
  readonly counter?: ApiCallCounter;
  /** Maps an operation to its budget group. @default operationGroup */
  readonly groupOf?: (service: string, operation: string) => string | undefined;
}

/**
 * Where the middleware sits: in the deserialize step, at high priority. That is inside the SDK's retry
 * loop (finalizeRequest step), so every attempt, retries included, waits for a budget token and is
 * counted; and outside the deserializer, so it sees the error the response was mapped to
 * (`ThrottlingException`, ...).
 */
export const budgetMiddlewareOptions: DeserializeHandlerOptions & AbsoluteLocation & { name: string; override: boolean } = {
  step: 'deserialize',
  priority: 'high',
  name: 'driftAuditBudgetMiddleware',
  override: true,
};

/** Paces each attempt under the per-region budget and counts it, throttled ones apart. */
export function budgetMiddleware<I extends object, O extends object>(options: BudgetMiddlewareOptions): DeserializeMiddleware<I, O> {
  const groupOf = options.groupOf ?? operationGroup;
  return (next, context) => async (args) => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    // `__smithy_context` is @smithy/types' SMITHY_CONTEXT_KEY, spelled out to keep that import type-only.
    const signal = context['__smithy_context']?.abortSignal as AbortSignal | undefined;
    const where = options.account === undefined ? options.region : { region: options.region, account: options.account };
    await options.budget?.acquire(where, groupOf(options.service, operation), signal);
    try {
      const result = await next(args);
      options.counter?.record(options.region, options.service, operation, false);
      return result;
    } catch (error) {
      // An attempt that never left (aborted while waiting above) does not reach here; anything that
      // did reach the wire, failed or not, is a call the quota saw.
      options.counter?.record(options.region, options.service, operation, isThrottlingError(error));
      throw error;
    }
  };
}

/** A plugin form, for `client.middlewareStack.use(...)`. */
export function budgetPlugin<I extends object, O extends object>(options: BudgetMiddlewareOptions): Pluggable<I, O> {
  return {
    applyToStack: (stack: MiddlewareStack<I, O>) => {
      stack.add(budgetMiddleware<I, O>(options), budgetMiddlewareOptions);
    },
  };
}

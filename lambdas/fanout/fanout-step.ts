/**
 * The events the fan-out state machine sends the audit function (its plan and final steps), as the
 * state machine builds them (`lib/drift-auditor-fanout.ts`): the execution's input (the scheduled
 * event) and id, and for the final step the plan step's pointer.
 */
import type { FanOutPlan } from './fanout-layout.js';

/** The plan step: list the targets and pin the baseline. */
export interface FanOutPlanStep {
  readonly fanOut: 'plan';
  /** `$$.Execution.Input`: the scheduled event (or whatever a manual start passed). */
  readonly event: unknown;
  /** `$$.Execution.Id`: names a manual run, which has no scheduled time to be keyed on. */
  readonly execution: string;
}

/** The final step: gather the targets, then analyse, reconcile and publish like the single function. */
export interface FanOutFinishStep {
  readonly fanOut: 'finish';
  readonly event: unknown;
  readonly execution: string;
  readonly plan: FanOutPlan;
}

export type FanOutStep = FanOutPlanStep | FanOutFinishStep;

/** The fan-out step an event is, or undefined for any other event (a scheduled run of the single function). */
export function fanOutStepOf(event: unknown): FanOutStep | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const step = event as { readonly fanOut?: unknown; readonly execution?: unknown; readonly plan?: Partial<FanOutFinishStep['plan']> };
  if (typeof step.execution !== 'string') return undefined;
  if (step.fanOut === 'plan') return event as FanOutPlanStep;
  if (step.fanOut === 'finish') {
    const plan = step.plan;
    if (typeof plan?.run?.bucket !== 'string' || typeof plan.run.prefix !== 'string' || typeof plan.manifestKey !== 'string') {
      throw new TypeError('fan-out finish event without its plan ($.plan: { run: { bucket, prefix }, manifestKey, targets }): the state machine passes it');
    }
    return event as FanOutFinishStep;
  }
  return undefined;
}

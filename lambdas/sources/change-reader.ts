import type { EnvironmentSpec, SourceSpec } from '../engine/model.js';
import type { SourceChange } from './source-change.js';
import type { LiveRead, LiveReadContext } from './source-kind.js';

/** Error code of a source a change-driven run neither read nor could replay from the previous state. */
export const NOT_READ_CODE = 'not-read';

/**
 * What a targeted read of some items of a source yields: the read (with the source's whole state,
 * previous records with the changed ones replaced, so the next run stays incremental) and the logical
 * keys those items are, which are the only keys the run may move through their lifecycle.
 */
export interface TargetedLiveRead extends LiveRead {
  readonly keys: readonly string[];
}

/** A targeted read, planned: its source id and the read itself (never throws for a read failure). */
export interface PlannedTargetedRead {
  readonly id: string;
  read(): Promise<TargetedLiveRead>;
}

/**
 * A source kind's part in change-driven runs. Pure except for `planTargeted(...).read()`, which makes
 * the calls.
 */
export interface ChangeReader<S extends SourceSpec> {
  /**
   * The item of `spec` the change touches (an SSM parameter name, `deployments/api-server`), or
   * undefined when the change is outside what the spec declares (another path, region, account,
   * cluster or namespace).
   */
  touches(spec: S, environment: EnvironmentSpec, change: SourceChange): string | undefined;
  /**
   * A read of only `items`, merged into the previous state of the source; undefined when no previous
   * state is kept for it (or the kind cannot read items alone): the source is then read in full.
   */
  planTargeted(spec: S, context: LiveReadContext, items: readonly string[]): PlannedTargetedRead | undefined;
  /**
   * The source as the previous state holds it, without a call: the comparison data a targeted run uses
   * for sources it does not re-read. When nothing is kept, an `error` status with code
   * {@link NOT_READ_CODE}: the engine then treats the source's layers as unknown (no `missing`, no
   * resolution), which is what a source not read this run is.
   */
  replay(spec: S, context: LiveReadContext): LiveRead;
}

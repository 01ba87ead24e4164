/**
 * The interface a revert target kind (an SSM parameter, a workload's env var, a ConfigMap key, a key
 * of a file, ...) implements: how a fix names the place, the command that puts a value back there,
 * and where a key absent everywhere would be created. Each lives in the folder of the source kind
 * that observes it; the engine dispatches through `revert-targets.ts`. Pure: no SDK, no I/O.
 */
import type { RevertAction, RevertContext } from '../engine/analyse/revert-fix.js';
import type { RevertTarget, SourceLayer } from '../engine/model.js';

/** Where a value that is not live anywhere should be put, and the region for SSM commands. */
export interface PlacementTarget {
  readonly target: RevertTarget;
  readonly region?: string;
}

/** What placing an absent key can go on. */
export interface PlacementContext<T extends RevertTarget> {
  /** Whether the key is secret (a parameter is then created as a SecureString). */
  readonly secret: boolean;
  /** The environment's observed target of this kind that comes first by {@link RevertTargetKind.templateName}. */
  readonly template?: T;
  /** The first parameter prefix the environment's sources declare (see `SourceKind.placementPrefix`). */
  readonly prefix?: { readonly path: string; readonly region?: string };
}

/** One kind of place a revert addresses. `name` is the `kind` of its {@link RevertTarget}s. */
export interface RevertTargetKind<T extends RevertTarget = RevertTarget> {
  readonly name: T['kind'];
  /** The layer whose absent keys this target kind places (a setting's declared `layer`). */
  readonly layer: SourceLayer;
  /** A short human name of the place: `ssm /p/x`, `configmap api/api-config`. */
  describe(target: T): string;
  /** The shell command that performs the action there, or undefined when none can be given. */
  command(target: T, action: RevertAction, context: RevertContext): string | undefined;
  /**
   * For places edited by hand (a file in a repository): the whole fix summary, replacing the generic
   * "Set KEY to VALUE in ENV". Absent: the generic summary is used.
   */
  manualSummary?(target: T, action: RevertAction, context: RevertContext): string;
  /** Orders the environment's observed targets so the template chosen does not depend on read order. */
  templateName(target: T): string;
  /** Where to create `key` in an environment, or undefined when the context gives nothing to go on. */
  place(key: string, context: PlacementContext<T>): PlacementTarget | undefined;
}

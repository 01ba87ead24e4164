/**
 * The source kinds drift-audit knows, in the order their sources are planned, and the lookups every
 * consumer (collection, revert fixes, ...) goes through instead of branching on a kind's name.
 * A new kind is one folder with a `kind.ts` plus one line in {@link SOURCE_KINDS}.
 */
import type { SourceSpec } from '../engine/model.js';
import { eksKind } from './eks/kind.js';
import { fileKind } from './files/kind.js';
import type { SnapshotFormat, SnapshotReader, SourceKind } from './source-kind.js';
import { ssmKind } from './ssm/kind.js';

/** The built-in kinds. */
export const SOURCE_KINDS: readonly SourceKind[] = [ssmKind, eksKind, fileKind];

/** A list of kinds with lookups by name and by spec. */
export class SourceKindRegistry {
  readonly #kinds: SourceKind[];

  constructor(kinds: readonly SourceKind[]) {
    this.#kinds = [...kinds];
  }

  /** Every kind, in registration order. */
  get all(): readonly SourceKind[] {
    return this.#kinds;
  }

  /** The kind named `name`, or undefined. */
  named(name: string): SourceKind | undefined {
    return this.#kinds.find((kind) => kind.name === name);
  }

  /** The kind a declared source is of; undefined only for a spec no registered kind declares. */
  of(spec: Pick<SourceSpec, 'kind'>): SourceKind | undefined {
    return this.named(spec.kind);
  }

  /**
   * Adds a kind (a plug-in, or a test's stand-in) and returns what removes it again.
   * @throws TypeError when a kind of that name is already registered
   */
  register(kind: SourceKind): () => void {
    if (this.named(kind.name) !== undefined) throw new TypeError(`source kind ${kind.name} is already registered`);
    this.#kinds.push(kind);
    return () => {
      const index = this.#kinds.indexOf(kind);
      if (index >= 0) this.#kinds.splice(index, 1);
    };
  }
}

/** The registry every audit uses. */
export const sourceKinds = new SourceKindRegistry(SOURCE_KINDS);

/** The names of the registered kinds, in order (for schemas that enumerate them). */
export function sourceKindNames(): [string, ...string[]] {
  const [first, ...rest] = sourceKinds.all.map((kind) => kind.name);
  if (first === undefined) throw new TypeError('no source kind is registered');
  return [first, ...rest];
}

/** Every kind's offline snapshot reader. */
export function snapshotReaders(): readonly SnapshotReader[] {
  return sourceKinds.all.flatMap((kind) => (kind.snapshotReader === undefined ? [] : [kind.snapshotReader]));
}

/** Every snapshot file format, in registry order. */
export function snapshotFormats(): readonly SnapshotFormat[] {
  return snapshotReaders().flatMap((reader) => reader.formats);
}

/** The snapshot file format named `name` (`ssm-export`, `kubernetes`, ...), or undefined. */
export function snapshotFormatNamed(name: string): SnapshotFormat | undefined {
  return snapshotFormats().find((format) => format.name === name);
}

/** The names of every snapshot file format, in registry order (for the baseline schema's `format`). */
export function snapshotFormatNames(): [string, ...string[]] {
  const [first, ...rest] = snapshotFormats().map((format) => format.name);
  if (first === undefined) throw new TypeError('no snapshot format is registered');
  return [first, ...rest];
}

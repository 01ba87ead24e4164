import type { Observation, SourceLayer } from '../../engine/model.js';

/** What a file parser yields: sorted observations and the problems that did not stop it. */
export interface FileObservations {
  readonly observations: Observation[];
  readonly warnings: string[];
}

/** Labels shared by the file parsers. */
export interface FileObservationOptions {
  /** The file as it is named in reports (relative to the snapshot directory). */
  readonly file: string;
  /** Overrides the layer the format implies. */
  readonly layer?: SourceLayer;
  readonly region?: string;
  readonly account?: string;
}

/** Sorts by key, then layer, then location: the order every source hands observations over in. */
export function compareObservations(a: Observation, b: Observation): number {
  return compareText(a.key, b.key) || compareText(a.provenance.layer, b.provenance.layer) || compareText(a.provenance.location, b.provenance.location);
}

/** Code-unit order: locale-independent, so output is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

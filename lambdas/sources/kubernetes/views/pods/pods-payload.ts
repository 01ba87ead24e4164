import type { PodObservation } from '../../../../engine/model.js';

/**
 * The pods view's payload out of a conversion's payloads. The driver keeps payloads open
 * (`unknown[]` by view name); only the pods view writes the `pods` entry, and what it writes is
 * `PodObservation`s, so the narrowing is by construction.
 */
export function podsPayload(payloads: Readonly<Record<string, readonly unknown[]>>): readonly PodObservation[] {
  return (payloads['pods'] ?? []) as readonly PodObservation[];
}

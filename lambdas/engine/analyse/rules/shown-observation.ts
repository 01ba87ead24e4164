import type { Observation, ShownValue } from '../../model.js';
import { SECRET_SHOWN } from '../show-value.js';
import type { KeyContext } from './key-context.js';

/** An observation's value as shown in a finding about a key whose secrecy is known. */
export function shownObservation(context: Pick<KeyContext, 'secret'>, observation: Observation): ShownValue {
  if (context.secret || observation.value.kind === 'secret') return SECRET_SHOWN;
  return { text: observation.value.value, secret: false };
}

/** The raw value of a non-secret observation, for fixes; undefined for secrets (never held). */
export function rawValue(context: Pick<KeyContext, 'secret'>, observation: Observation): string | undefined {
  return context.secret || observation.value.kind === 'secret' ? undefined : observation.value.value;
}

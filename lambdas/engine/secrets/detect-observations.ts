import type { Baseline, Observation, ObservedValue, Snapshot } from '../model.js';
import { SECRET_KEY_PATTERN } from '../analyse/show-value.js';
import { settingFor } from '../analyse/setting-for.js';
import { detectSecret } from './detect-secret.js';
import { fingerprintSecret } from './fingerprint.js';
import { parseRedactionMarker } from './redaction-marker.js';
import { optsOutOfDetection } from './setting-secrecy.js';

/**
 * The snapshots with every plain value whose *shape* is secret turned into a secret observation:
 * `{ kind: 'secret', detected, fingerprint }`, the value itself dropped. Called once where the engine
 * receives its input (`analyse`, `explain`), so every rule, message, fix and explanation downstream
 * sees a secret exactly as it sees a SecureString: never shown, compared only by fingerprint.
 *
 * Left as they are: keys already secret by declaration or name (the engine audits them by presence,
 * as before), keys the baseline declares `secret: false` explicitly (the opt-out for a false
 * positive), and non-plain values. A redaction marker read back from a snapshot file becomes a secret
 * with the fingerprint the marker carries. Returns the same arrays (and snapshots) when nothing was
 * secret, so a clean estate costs one detector call per value and no allocation.
 */
export function withSecretsDetected(snapshots: readonly Snapshot[], baseline: Pick<Baseline, 'settings' | 'applications'>): readonly Snapshot[] {
  let out: Snapshot[] | undefined;
  for (let i = 0; i < snapshots.length; i += 1) {
    const snapshot = snapshots[i] as Snapshot;
    const observations = detectInObservations(snapshot.observations, baseline);
    if (observations !== snapshot.observations) {
      out ??= [...snapshots];
      out[i] = { ...snapshot, observations };
    }
  }
  return out ?? snapshots;
}

function detectInObservations(list: readonly Observation[], baseline: Pick<Baseline, 'settings' | 'applications'>): readonly Observation[] {
  let copy: Observation[] | undefined;
  for (let i = 0; i < list.length; i += 1) {
    const observation = list[i] as Observation;
    if (observation.value.kind !== 'plain') continue;
    const text = observation.value.value;
    const format = detectSecret(text);
    if (format === undefined) continue;
    // Looked up only for the rare secret-shaped value: the common path never touches the settings map.
    if (format !== 'redacted' && !detectsByValue(observation, baseline)) continue;
    copy ??= [...list];
    copy[i] = { ...observation, value: secretValueOf(text, format) };
  }
  return copy ?? list;
}

function detectsByValue(observation: Observation, baseline: Pick<Baseline, 'settings' | 'applications'>): boolean {
  const setting = settingFor(baseline, observation.key, observation.application);
  if (setting === undefined) return !SECRET_KEY_PATTERN.test(observation.key);
  return !setting.secret && !optsOutOfDetection(setting);
}

function secretValueOf(text: string, format: NonNullable<ReturnType<typeof detectSecret>>): ObservedValue {
  if (format === 'redacted') {
    const marker = parseRedactionMarker(text);
    return {
      kind: 'secret',
      detected: marker?.format ?? 'redacted',
      ...(marker?.fingerprint === undefined ? {} : { fingerprint: marker.fingerprint }),
    };
  }
  return { kind: 'secret', detected: format, fingerprint: fingerprintSecret(text) };
}

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Baseline, Snapshot } from '../engine/model.js';
import { SNAPSHOT_MANIFEST_FILE, SNAPSHOT_MANIFEST_SCHEMA, type SnapshotManifest } from '../sources/files/snapshot-manifest.js';
import { sourceKinds } from '../sources/registry.js';
import { REDACTED_VALUE } from '../sources/ssm/ssm-observations.js';
import type { LiveState } from './live-state.js';
import { secretKeyOf, secretValueOf } from './secret-keys.js';
import { fingerprintSecret, newFingerprintKey } from '../engine/secrets/fingerprint.js';
import { redactionMarker } from '../engine/secrets/redaction-marker.js';

/** Written in place of a value whose key is secret (SSM `Value`, literal env and ConfigMap values). */
export { REDACTED_VALUE };

/** What a snapshot directory holds for one environment. */
export interface WrittenEnvironment {
  readonly environment: string;
  readonly files: readonly string[];
}

/**
 * Writes a live read as the files `drift-audit scan --snapshots DIR` reads by convention:
 * `DIR/<env>/ssm.json` (as `aws ssm get-parameters-by-path --output json` prints it),
 * `ssm-describe.json` (as `aws ssm describe-parameters` prints it: who changed what),
 * `kubernetes.json` (a kubectl `List` with managedFields) and the `snapshot.json` manifest, which
 * keeps each source's status so a source that failed live stays a failure offline.
 *
 * Nothing secret is written. A key is secret when the baseline declares it so, or when its name looks
 * secret (`*PASSWORD*`, `*TOKEN*`, ...) and the baseline does not declare it `secret: false`: the rule
 * the engine applies before comparing a value. SecureString records carry no value; a String or
 * StringList parameter with a secret key is written with its type and the {@link REDACTED_VALUE}
 * marker as value, which the offline reader observes as a present secret (so the scan finds what the
 * live one did); Kubernetes objects go through {@link redactKubeObjects} (last-applied annotation
 * removed, literal env and ConfigMap values of secret keys replaced, `binaryData` and Secrets dropped).
 *
 * A value whose key is not secret but whose shape is (`postgres://app:PASSWORD@db/app`, a token, a
 * private key; see `detectSecret`) is written as `[redacted by drift-audit: <format> <fingerprint>]`:
 * the fingerprint is keyed with a random key made for this write and then forgotten, so the files
 * say which environments hold the same secret (the offline scan compares them as the live one did)
 * and nothing anyone could test a guess against.
 */
export async function writeSnapshotDir(
  dir: string,
  baseline: Baseline,
  collected: { readonly snapshots: readonly Snapshot[]; readonly state: LiveState },
): Promise<WrittenEnvironment[]> {
  const written: WrittenEnvironment[] = [];
  const secretKey = secretKeyOf(baseline);
  const secretValue = secretValueOf(baseline);
  const fingerprintKey = newFingerprintKey();
  const withheld = (keys: readonly string[], value: string): string | undefined => {
    const format = secretValue(keys, value);
    if (format === undefined) return undefined;
    return format === 'redacted' ? value : redactionMarker(format, fingerprintSecret(value, fingerprintKey));
  };
  for (const snapshot of collected.snapshots) {
    const environment = baseline.environments.find((candidate) => candidate.name === snapshot.environment);
    if (environment === undefined) continue;
    const envDir = path.join(dir, snapshot.environment);
    await mkdir(envDir, { recursive: true });
    const files: string[] = [];
    const ids = new Set(snapshot.sources.map((source) => source.id));

    let contributed: Record<string, unknown> = {};
    for (const kind of sourceKinds.all) {
      if (kind.snapshotWriter === undefined) continue;
      const specs = environment.sources.filter((spec) => sourceKinds.of(spec) === kind);
      const statePart = kind.live?.statePart;
      const part = statePart === undefined ? {} : ((collected.state[statePart] ?? {}) as Readonly<Record<string, unknown>>);
      const state = Object.fromEntries(Object.entries(part).filter(([id]) => ids.has(id)));
      const out = kind.snapshotWriter.write(specs, { baseline, state, secretKey, withheld });
      for (const file of out.files) {
        await writeJson(path.join(envDir, file.name), file.json);
        files.push(file.name);
      }
      contributed = { ...contributed, ...out.manifest };
    }

    // The kinds' fields (ssmPrefixes, ...) sit between takenAt and sources, as the manifest documents them.
    const manifest = {
      schema: SNAPSHOT_MANIFEST_SCHEMA,
      environment: snapshot.environment,
      takenAt: snapshot.takenAt ?? collected.state.takenAt,
      ...contributed,
      sources: snapshot.sources,
    } as SnapshotManifest;
    await writeJson(path.join(envDir, SNAPSHOT_MANIFEST_FILE), manifest);
    files.push(SNAPSHOT_MANIFEST_FILE);
    written.push({ environment: snapshot.environment, files });
  }
  return written;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

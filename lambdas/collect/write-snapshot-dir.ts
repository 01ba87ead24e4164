import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isSecretKey } from '../engine/analyse/show-value.js';
import type { Baseline, Snapshot } from '../engine/model.js';
import type { KubeObject } from '../sources/eks/kube-client.js';
import { toKubectlList } from '../sources/eks/kubectl-list.js';
import { SNAPSHOT_MANIFEST_FILE, SNAPSHOT_MANIFEST_SCHEMA, type SnapshotManifest } from '../sources/files/snapshot-manifest.js';
import type { SsmParameterRecord } from '../sources/ssm/ssm-observations.js';
import type { LiveState } from './live-state.js';

/** Written in place of a literal env or ConfigMap value whose key looks secret. */
export const REDACTED_VALUE = '[redacted by drift-audit]';

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
 * Nothing secret is written: SecureString records carry no value, Secrets are never read, and a
 * literal env or ConfigMap value whose key looks secret (`*PASSWORD*`, `*TOKEN*`, ...) is replaced.
 */
export async function writeSnapshotDir(
  dir: string,
  baseline: Baseline,
  collected: { readonly snapshots: readonly Snapshot[]; readonly state: LiveState },
): Promise<WrittenEnvironment[]> {
  const written: WrittenEnvironment[] = [];
  for (const snapshot of collected.snapshots) {
    const environment = baseline.environments.find((candidate) => candidate.name === snapshot.environment);
    if (environment === undefined) continue;
    const envDir = path.join(dir, snapshot.environment);
    await mkdir(envDir, { recursive: true });
    const files: string[] = [];
    const ids = new Set(snapshot.sources.map((source) => source.id));

    const records = Object.entries(collected.state.ssm)
      .filter(([id]) => ids.has(id))
      .flatMap(([, list]) => list)
      .sort((a, b) => a.name.localeCompare(b.name));
    const ssmSpecs = environment.sources.filter((spec) => spec.kind === 'ssm');
    if (ssmSpecs.length > 0) {
      await writeJson(path.join(envDir, 'ssm.json'), { Parameters: records.map(toExportParameter) });
      await writeJson(path.join(envDir, 'ssm-describe.json'), { Parameters: records.map(toDescribeParameter) });
      files.push('ssm.json', 'ssm-describe.json');
    }

    const objects = Object.entries(collected.state.kubernetes)
      .filter(([id]) => ids.has(id))
      .flatMap(([, list]) => list);
    if (environment.sources.some((spec) => spec.kind === 'eks')) {
      await writeJson(path.join(envDir, 'kubernetes.json'), toKubectlList(objects.map(redactLiteralSecrets)));
      files.push('kubernetes.json');
    }

    const manifest: SnapshotManifest = {
      schema: SNAPSHOT_MANIFEST_SCHEMA,
      environment: snapshot.environment,
      takenAt: snapshot.takenAt ?? collected.state.takenAt,
      ssmPrefixes: ssmSpecs.map((spec) => ({ path: spec.path, keyStyle: spec.keyStyle })),
      sources: snapshot.sources,
    };
    await writeJson(path.join(envDir, SNAPSHOT_MANIFEST_FILE), manifest);
    files.push(SNAPSHOT_MANIFEST_FILE);
    written.push({ environment: snapshot.environment, files });
  }
  return written;
}

function toExportParameter(record: SsmParameterRecord): Record<string, unknown> {
  return compact({
    Name: record.name,
    Type: record.type,
    // SecureString values are never read, so there is nothing to write.
    Value: record.type === 'SecureString' ? undefined : record.value,
    Version: record.version,
    LastModifiedDate: record.lastModifiedDate,
    ARN: record.arn,
    DataType: record.dataType,
  });
}

function toDescribeParameter(record: SsmParameterRecord): Record<string, unknown> {
  return compact({
    Name: record.name,
    ARN: record.arn,
    Type: record.type,
    LastModifiedDate: record.lastModifiedDate,
    LastModifiedUser: record.lastModifiedUser,
    Version: record.version,
    Tier: record.tier,
    DataType: record.dataType,
  });
}

/** A deep copy with secret-looking literal values replaced; the shape and managedFields stay. */
function redactLiteralSecrets(object: KubeObject): KubeObject {
  const copy = structuredClone(object) as KubeObject & { data?: Record<string, unknown> };
  if (copy.kind === 'ConfigMap' && copy.data !== undefined) {
    for (const key of Object.keys(copy.data)) if (isSecretKey(key)) copy.data[key] = REDACTED_VALUE;
  }
  visitContainers(copy, (container) => {
    for (const variable of container.env ?? []) {
      if (typeof variable.value === 'string' && isSecretKey(variable.name ?? '')) variable.value = REDACTED_VALUE;
    }
  });
  return copy;
}

interface ContainerLike {
  env?: { name?: string; value?: unknown }[];
}

function visitContainers(object: unknown, visit: (container: ContainerLike) => void): void {
  // Pod templates sit at spec.template (workloads) or spec.jobTemplate.spec.template (CronJobs).
  const spec = (object as { spec?: Record<string, unknown> }).spec;
  const templates = [
    (spec?.template as { spec?: unknown } | undefined)?.spec,
    ((spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec?.template)?.spec,
  ];
  for (const podSpec of templates) {
    const pod = podSpec as { containers?: ContainerLike[]; initContainers?: ContainerLike[] } | undefined;
    for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) visit(container);
  }
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

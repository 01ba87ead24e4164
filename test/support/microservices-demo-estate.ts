import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from './run-cli.js';

/**
 * A small Online Boutique estate (GoogleCloudPlatform/microservices-demo's frontend and cartservice,
 * trimmed: test/fixtures/microservices-demo/deployments.yaml), one kubectl export per region with the
 * hand edits a test names, and a baseline `drift-audit init` wrote from it.
 */
export const NOW = '2026-11-23T12:00:00Z';
const APPLIED = '2026-11-02T09:00:00Z';
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'microservices-demo', 'deployments.yaml');

interface Container {
  name: string;
  image: string;
  env: { name: string; value: string }[];
  resources: { limits: Record<string, string>; requests: Record<string, string> };
}
interface Deployment {
  metadata: Record<string, unknown> & { name: string };
  spec: { replicas?: number; template: { spec: { containers: Container[] } } };
}

/** A hand edit of one region: what it changes, and the managedFields entry kubectl records for it. */
export interface Edit {
  readonly workload: string;
  readonly apply: (deployment: Deployment) => void;
  readonly manager: string;
  readonly fieldsV1: unknown;
  readonly subresource?: string;
}

const containerFields = (inner: unknown) => ({ 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"server"}': inner } } } } });

/**
 * The fixture's Deployments as `kubectl -n boutique get deploy -o json --show-managed-fields` prints them
 * in one region: Argo CD applied everything, then each edit's manager changed its field.
 */
function kubectlList(edits: readonly Edit[]): string {
  const items = parseAllDocuments(readFileSync(FIXTURE, 'utf8')).map((doc) => {
    const deployment = doc.toJS() as Deployment;
    deployment.spec.replicas ??= 1; // the API server's default
    const own = edits.filter((edit) => edit.workload === deployment.metadata.name);
    for (const edit of own) edit.apply(deployment);
    deployment.metadata = {
      name: deployment.metadata.name,
      namespace: 'boutique',
      managedFields: [
        {
          manager: 'argocd-controller',
          operation: 'Apply',
          apiVersion: 'apps/v1',
          time: APPLIED,
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': {} } },
        },
        ...own.map((edit) => ({
          manager: edit.manager,
          operation: 'Update',
          apiVersion: 'apps/v1',
          time: '2026-11-20T11:56:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: edit.fieldsV1,
          ...(edit.subresource !== undefined ? { subresource: edit.subresource } : {}),
        })),
      ],
    };
    return { apiVersion: 'apps/v1', kind: 'Deployment', ...deployment };
  });
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
}

/** `kubectl scale deployment/NAME --replicas=N`: the scale subresource, recorded as kubectl-scale. */
export const scaled = (workload: string, replicas: number): Edit => ({
  workload,
  apply: (d) => {
    d.spec.replicas = replicas;
  },
  manager: 'kubectl-scale',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  subresource: 'scale',
});

/** `kubectl set env deployment/NAME -c server KEY=VALUE`. */
export const setEnv = (workload: string, key: string, value: string): Edit => ({
  workload,
  apply: (d) => {
    const variable = d.spec.template.spec.containers[0]?.env.find((e) => e.name === key);
    if (variable !== undefined) variable.value = value;
  },
  manager: 'kubectl-set',
  fieldsV1: containerFields({ 'f:env': { [`k:{"name":"${key}"}`]: { 'f:value': {} } } }),
});

/** A memory limit both regions' pipeline applied, differently: nobody changed it by hand. */
export const appliedMemory = (workload: string, memory: string): Edit => ({
  workload,
  apply: (d) => {
    const container = d.spec.template.spec.containers[0];
    if (container !== undefined) container.resources.limits.memory = memory;
  },
  manager: 'argocd-controller',
  fieldsV1: containerFields({ 'f:resources': { 'f:limits': { 'f:memory': {} } } }),
});

/** Writes `root/snapshots/<region>/kubernetes.json` per region and runs `drift-audit init root/baseline` on them. */
export async function boutiqueEstate(root: string, regions: Readonly<Record<string, readonly Edit[]>>): Promise<{ baseline: string; snapshots: string }> {
  const snapshots = join(root, 'snapshots');
  for (const [name, edits] of Object.entries(regions)) {
    mkdirSync(join(snapshots, name), { recursive: true });
    writeFileSync(join(snapshots, name, 'kubernetes.json'), kubectlList(edits));
  }
  const baseline = join(root, 'baseline');
  const init = await runCli(['init', baseline, '--snapshots', snapshots, '--now', NOW]);
  expect(init.code).toBe(0);
  return { baseline, snapshots };
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../support/run-cli.js';

const NOW = '2026-11-23T12:00:00Z';
const APPLIED = '2026-11-02T09:00:00Z';
const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'microservices-demo', 'deployments.yaml');

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
interface Edit {
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
const scaled = (workload: string, replicas: number): Edit => ({
  workload,
  apply: (d) => {
    d.spec.replicas = replicas;
  },
  manager: 'kubectl-scale',
  fieldsV1: { 'f:spec': { 'f:replicas': {} } },
  subresource: 'scale',
});

/** `kubectl set env deployment/NAME -c server KEY=VALUE`. */
const setEnv = (workload: string, key: string, value: string): Edit => ({
  workload,
  apply: (d) => {
    const variable = d.spec.template.spec.containers[0]?.env.find((e) => e.name === key);
    if (variable !== undefined) variable.value = value;
  },
  manager: 'kubectl-set',
  fieldsV1: containerFields({ 'f:env': { [`k:{"name":"${key}"}`]: { 'f:value': {} } } }),
});

/** A memory limit both regions' pipeline applied, differently: nobody changed it by hand. */
const appliedMemory = (workload: string, memory: string): Edit => ({
  workload,
  apply: (d) => {
    const container = d.spec.template.spec.containers[0];
    if (container !== undefined) container.resources.limits.memory = memory;
  },
  manager: 'argocd-controller',
  fieldsV1: containerFields({ 'f:resources': { 'f:limits': { 'f:memory': {} } } }),
});

describe('CLI: init and scan of microservices-demo workloads in three regions', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'drift-boutique-'));
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  async function estate(regions: Readonly<Record<string, readonly Edit[]>>): Promise<{ baseline: string; snapshots: string }> {
    const snapshots = join(work, 'snapshots');
    for (const [name, edits] of Object.entries(regions)) {
      mkdirSync(join(snapshots, name), { recursive: true });
      writeFileSync(join(snapshots, name, 'kubernetes.json'), kubectlList(edits));
    }
    const baseline = join(work, 'baseline');
    const init = await runCli(['init', baseline, '--snapshots', snapshots, '--now', NOW]);
    expect(init.code).toBe(0);
    return { baseline, snapshots };
  }

  it('blames the region scaled by hand (kubectl scale records kubectl-scale, outside the pipeline)', async () => {
    // Prepare
    const { baseline, snapshots } = await estate({ staging: [], 'production-us': [], 'production-eu': [scaled('frontend', 5)] });

    // Act
    const scan = await runCli(['scan', baseline, '--snapshots', snapshots, '--json', '--now', NOW]);

    // Assess
    const findings = (JSON.parse(scan.stdout) as { findings: { id: string; message: string }[] }).findings;
    expect(findings.map((finding) => finding.id)).toEqual(['parity:production-eu:frontend:k8s:replicas']);
    expect(findings[0]?.message).toMatch(/changed by kubectl-scale outside the pipeline/);
  });

  it('counts only the environments --env shows, also for a difference between two regions with no majority', async () => {
    // Prepare: cartservice's memory limit differs between the production regions, both applied by the
    // pipeline (a group finding); cartservice's REDIS_ADDR was set by hand in production-eu.
    const { baseline, snapshots } = await estate({
      staging: [],
      'production-us': [appliedMemory('cartservice', '256Mi')],
      'production-eu': [appliedMemory('cartservice', '512Mi'), setEnv('cartservice', 'REDIS_ADDR', 'redis-cart-eu:6379')],
    });

    // Act
    const all = await runCli(['scan', baseline, '--snapshots', snapshots, '--now', NOW]);
    const eu = await runCli(['scan', baseline, '--snapshots', snapshots, '--env', 'production-eu', '--now', NOW]);

    // Assess
    expect(all.stdout.trimEnd().split('\n').at(-1)).toBe('Drift found: 2 findings (2 medium) in 2 of 3 environments; 3 sources read.');
    expect(eu.stdout.trimEnd().split('\n').at(-1)).toBe('Drift found: 2 findings (2 medium) in 1 of 1 environment; 1 source read.');
  });

  it('prints one compact line per application and key across regions', async () => {
    // Prepare: PORT set by hand in two services, in different regions.
    const { baseline, snapshots } = await estate({
      staging: [],
      'production-us': [setEnv('frontend', 'PORT', '8081')],
      'production-eu': [setEnv('cartservice', 'PORT', '7071')],
    });

    // Act
    const scan = await runCli(['scan', baseline, '--snapshots', snapshots, '--compact', '--now', NOW]);

    // Assess
    const lines = scan.stdout.split('\n').filter((line) => line.startsWith('◆'));
    expect(lines).toEqual(['◆ MEDIUM    cartservice:PORT  parity  production-eu 7071≠7070', '◆ MEDIUM    frontend:PORT     parity  production-us 8081≠8080']);
  });
});

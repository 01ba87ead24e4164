/**
 * The source-kind interface's proof: a kind registered from outside (here a throwaway one, defined in
 * this test only) is planned, read, assembled into snapshots and live state, written into a snapshot
 * directory and read back offline, and gets its revert fixes, with no change anywhere else.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectLive } from '../../../lambdas/collect/collect-live.js';
import { writeSnapshotDir } from '../../../lambdas/collect/write-snapshot-dir.js';
import { analyse } from '../../../lambdas/engine/analyse/analyse.js';
import type { Observation, RevertTarget, SourceSpec, SourceStatus } from '../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { sourceKinds } from '../../../lambdas/sources/registry.js';
import type { RevertTargetKind } from '../../../lambdas/sources/revert-target-kind.js';
import { readSnapshots } from '../../../lambdas/sources/files/snapshot-dir.js';
import type { LoadedSnapshotFile, SourceKind } from '../../../lambdas/sources/source-kind.js';
import { baseline, environment, setting } from '../engine/analyse/builders.js';

/** A "vault" of key/value pairs at a path, read live by a fake client. */
interface VaultSpec {
  readonly kind: 'vault';
  readonly path: string;
}

type VaultTarget = { readonly kind: 'vault-key'; readonly path: string; readonly key: string };

const vaultKey: RevertTargetKind = {
  // The model's RevertTarget union does not know this kind: it exists in this test only.
  name: 'vault-key' as RevertTarget['kind'],
  layer: 'file',
  describe: (target) => `vault ${(target as unknown as VaultTarget).path}`,
  command(target, action) {
    const { path, key } = target as unknown as VaultTarget;
    return action.kind === 'set' ? `vault kv patch ${path} ${key}=${action.value}` : `vault kv patch ${path} ${key}=`;
  },
  templateName: (target) => (target as unknown as VaultTarget).path,
  place: () => undefined,
};

function vaultObservation(path: string, key: string, value: string): Observation {
  const target = { kind: 'vault-key', path, key } as unknown as RevertTarget;
  return { key, value: { kind: 'plain', value }, provenance: { source: 'app-config', layer: 'file', location: `vault ${path}`, target } };
}

const reads: string[] = [];
const vaultKind = {
  name: 'vault',
  baseline: {
    section: 'vault',
    description: 'Vault paths.',
    entry: z.strictObject({ path: z.string() }),
    normalise: (entries: readonly { path: string }[]) => entries.map(({ path }) => ({ kind: 'vault', path })),
  },
  live: {
    statePart: 'vault',
    plan(spec: VaultSpec) {
      const id = `vault:${spec.path}`;
      return {
        id,
        async read() {
          reads.push(spec.path);
          const status: SourceStatus = { id, kind: 'vault', layers: ['file'], status: 'ok', itemCount: 1 };
          // `leases` is a payload no other kind has: it reaches the snapshot under its own name.
          return {
            result: { observations: [vaultObservation(spec.path, 'DB_POOL', '25')], images: [], leases: [`${spec.path}#1`], status },
            state: { raw: { DB_POOL: '25' } },
          };
        },
      };
    },
  },
  snapshotWriter: {
    write: (specs: readonly VaultSpec[], { state }: { state: Readonly<Record<string, { raw: Record<string, string> }>> }) =>
      specs.length === 0
        ? { files: [] }
        : { files: [{ name: 'vault.json', json: { vault: Object.assign({}, ...Object.values(state).map((part) => part.raw)) } }] },
  },
  snapshotReader: {
    formats: [
      {
        name: 'vault-export',
        layers: ['file'],
        layerOverride: true,
        load: (text: string) => JSON.parse(text) as unknown,
        observations(file: LoadedSnapshotFile) {
          const values = (file.content as { vault: Record<string, string> }).vault;
          const observations = Object.entries(values).map(([key, value]) => vaultObservation('secret/api', key, value));
          return { observations, images: [], leases: [`${file.file}#1`], warnings: [], itemCount: observations.length };
        },
      },
    ],
    contentRank: 0.5,
    detectDocuments: (_file: string, documents: readonly unknown[]) =>
      documents.length === 1 && typeof (documents[0] as { vault?: unknown }).vault === 'object' ? 'vault-export' : undefined,
    nameRank: 0.5,
    detectName: (name: string) => (name.includes('vault') ? 'vault-export' : undefined),
  },
  revertTargets: [vaultKey],
} as unknown as SourceKind;

const vaultSpec = { kind: 'vault', path: 'secret/api' } as unknown as SourceSpec;
const estate = baseline({
  environments: [environment('production-eu', 'production', { sources: [vaultSpec] })],
  settings: [setting('DB_POOL', { value: '30' })],
});

describe('Registry: a source kind registered from outside', () => {
  let unregister: (() => void) | undefined;
  afterEach(() => {
    unregister?.();
    unregister = undefined;
    reads.length = 0;
  });

  it('is planned and read live, its payloads concatenated into the snapshot and its raw records kept in its state part', async () => {
    // Prepare
    unregister = sourceKinds.register(vaultKind);
    const factory = new AwsClientFactory();
    // Act
    const collected = await collectLive(estate, { factory, clock: () => new Date('2026-11-23T10:00:00Z') });
    factory.destroy();
    // Assess
    expect(reads).toEqual(['secret/api']);
    const [snapshot] = collected.snapshots;
    expect(snapshot?.observations.map((o) => [o.key, o.value])).toEqual([['DB_POOL', { kind: 'plain', value: '25' }]]);
    expect((snapshot as unknown as { leases: unknown }).leases).toEqual(['secret/api#1']);
    expect(snapshot?.sources.map((s) => [s.id, s.status])).toEqual([['vault:secret/api', 'ok']]);
    expect(collected.state['vault']).toEqual({ 'vault:secret/api': { raw: { DB_POOL: '25' } } });
  });

  it('builds the revert fix of a drifted value through its own revert target kind', async () => {
    // Prepare
    unregister = sourceKinds.register(vaultKind);
    const factory = new AwsClientFactory();
    const { snapshots } = await collectLive(estate, { factory });
    factory.destroy();
    // Act
    const result = analyse({ baseline: estate, snapshots, now: new Date('2026-11-23T10:00:00Z') });
    // Assess
    const changed = result.findings.find((finding) => finding.type === 'changed' && finding.key === 'DB_POOL');
    expect(changed?.fixes.revert?.command).toBe('vault kv patch secret/api DB_POOL=30');
    expect(changed?.fixes.revert?.summary).toContain('vault secret/api');
  });

  it('writes its live reads into a snapshot directory and reads them back offline, with the same finding and fix', async () => {
    // Prepare
    unregister = sourceKinds.register(vaultKind);
    const factory = new AwsClientFactory();
    const collected = await collectLive(estate, { factory, clock: () => new Date('2026-11-23T10:00:00Z') });
    factory.destroy();
    const dir = mkdtempSync(path.join(tmpdir(), 'vault-kind-'));
    try {
      // Act
      const written = await writeSnapshotDir(dir, estate, collected);
      const [offline] = await readSnapshots(estate, dir);
      // Assess
      expect(written).toEqual([{ environment: 'production-eu', files: ['vault.json', 'snapshot.json'] }]);
      expect(JSON.parse(readFileSync(path.join(dir, 'production-eu', 'vault.json'), 'utf8'))).toEqual({ vault: { DB_POOL: '25' } });
      expect(offline?.observations.map((o) => [o.key, o.value])).toEqual([['DB_POOL', { kind: 'plain', value: '25' }]]);
      expect((offline as unknown as { leases: unknown }).leases).toEqual(['production-eu/vault.json#1']);
      expect(offline?.sources.map((s) => [s.id, s.status, s.layers])).toEqual([['file:production-eu/vault.json', 'ok', ['file']]]);
      const result = analyse({ baseline: estate, snapshots: offline === undefined ? [] : [offline], now: new Date('2026-11-23T10:00:00Z') });
      expect(result.findings.find((finding) => finding.type === 'changed')?.fixes.revert?.command).toBe('vault kv patch secret/api DB_POOL=30');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a second kind of a name already registered', () => {
    expect(() => sourceKinds.register({ ...vaultKind, name: 'ssm' } as SourceKind)).toThrow(/source kind ssm is already registered/);
  });

  it('is gone once unregistered: its sources are no longer read', async () => {
    sourceKinds.register(vaultKind)();
    const factory = new AwsClientFactory();
    const collected = await collectLive(estate, { factory });
    factory.destroy();
    expect(reads).toEqual([]);
    expect(collected.snapshots[0]?.sources).toEqual([]);
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FileSourceSpec } from '../../../../lambdas/engine/model.js';
import { FileSource } from '../../../../lambdas/sources/files/file-source.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/snapshots/', import.meta.url));

function source(spec: Partial<FileSourceSpec> & { path: string }, options: Partial<ConstructorParameters<typeof FileSource>[1]> = {}) {
  return new FileSource({ kind: 'file', keyStyle: 'env', ...spec }, { baseDir: FIXTURES, ...options });
}

describe('Class: FileSource', () => {
  describe('Method: read', () => {
    it('reads a kubectl List with the declared namespaces and reports an ok status with warnings', async () => {
      // Prepare
      const kubernetes = source(
        { path: 'estate/production-eu/kubernetes.json' },
        { namespaces: ['api'], cluster: 'prod-eu', region: 'eu-west-1', account: '345678901234' },
      );

      // Act
      const result = await kubernetes.read();

      // Assess
      expect(kubernetes.id).toBe('file:estate/production-eu/kubernetes.json');
      expect(result.status).toEqual({
        id: 'file:estate/production-eu/kubernetes.json',
        kind: 'file',
        layers: ['env', 'configmap', 'secret', 'workload'],
        status: 'ok',
        itemCount: result.observations.length,
        warnings: [
          'estate/production-eu/kubernetes.json: deployment/api-server container app in namespace api: envFrom secret/api-tokens is not observed (its keys cannot be known without reading the Secret)',
          'estate/production-eu/kubernetes.json: statefulset/cache container redis in namespace api: MISSING_CM_VALUE reads configmap/does-not-exist, which is not in the input; not observed',
        ],
      });
      expect(result.observations.find((o) => o.key === 'DB_TIMEOUT')?.provenance).toMatchObject({
        changedBy: 'kubectl-set',
        file: 'estate/production-eu/kubernetes.json',
        cluster: 'prod-eu',
      });
      expect(result.images).toHaveLength(5);
      expect(JSON.stringify(result)).not.toContain('SECRET-CANARY');
    });

    it('maps an SSM export with the spec prefix and never carries the SecureString value', async () => {
      const result = await source({ path: 'estate/production-eu/ssm.json', prefix: '/production-eu/api/', keyStyle: 'relative' }).read();

      expect(result.observations.map((o) => o.key)).toEqual([
        'allowed_origins',
        'database/pool_size',
        'database/timeout',
        'payment/gateway-url',
        'stripe/api_key',
      ]);
      expect(result.observations.find((o) => o.key === 'stripe/api_key')?.value).toEqual({ kind: 'secret' });
      expect(result.status).toMatchObject({ status: 'ok', layers: ['ssm'], itemCount: 6 });
      expect(result.status.warnings).toEqual(['estate/production-eu/ssm.json: 1 parameter(s) outside /production-eu/api/ skipped']);
      expect(JSON.stringify(result)).not.toContain('SECRET-CANARY');
    });

    it('uses the environment prefixes when the spec names none, the longest match winning', async () => {
      const result = await source(
        { path: 'estate/production-eu/ssm.json' },
        {
          ssmPrefixes: [
            { path: '/production-eu/', keyStyle: 'relative' },
            { path: '/production-eu/api/', keyStyle: 'env' },
          ],
        },
      ).read();

      expect(result.observations.map((o) => o.key)).toContain('DATABASE_POOL_SIZE');
      expect(result.observations.map((o) => o.key)).toContain('worker/concurrency');
    });

    it('fails with no-prefix rather than guessing how SSM names map to keys', async () => {
      const result = await source({ path: 'estate/production-eu/ssm.json' }).read();

      expect(result.observations).toEqual([]);
      expect(result.status).toMatchObject({ status: 'error', layers: ['ssm'], error: { code: 'no-prefix' } });
    });

    it('reports a missing file as an error status naming the file, without throwing', async () => {
      const result = await source({ path: 'estate/production-eu/absent.json' }).read();

      expect(result.status).toMatchObject({
        id: 'file:estate/production-eu/absent.json',
        status: 'error',
        itemCount: 0,
        layers: ['file'],
        error: { code: 'file-not-found' },
      });
      expect(result.status.error?.message).toMatch(/^estate\/production-eu\/absent\.json: cannot read snapshot file: no such file/);
    });

    it('reports bad JSON with file, line and column, and no content', async () => {
      const result = await source({ path: 'broken/ssm-syntax.json', prefix: '/broken/' }).read();

      expect(result.status.error).toEqual({
        code: 'parse-error',
        message: "broken/ssm-syntax.json:7:13: cannot parse JSON: expected ',' or '}' after a property value",
      });
      expect(result.status.layers).toEqual(['ssm']);
    });

    it('reports bad YAML in a multi-document manifest with file, line and column', async () => {
      const result = await source({ path: 'broken/kubernetes-bad.yaml', format: 'kubernetes' }).read();

      expect(result.status.status).toBe('error');
      expect(result.status.error?.code).toBe('parse-error');
      expect(result.status.error?.message).toMatch(/^broken\/kubernetes-bad\.yaml:14:1: cannot parse YAML: /);
      expect(result.status.layers).toEqual(['env', 'configmap', 'secret', 'workload']);
    });

    it('reports a file whose format cannot be told, over every layer', async () => {
      const result = await source({ path: 'broken/notes.txt' }).read();

      expect(result.status).toMatchObject({
        status: 'error',
        layers: ['file', 'env', 'configmap', 'secret', 'ssm', 'workload'],
        error: { code: 'unknown-format' },
      });
      expect(result.status.error?.message).toMatch(/^broken\/notes\.txt: cannot tell the format of this yaml file; set format/);
    });

    it('overrides the layer a format implies when the spec says so', async () => {
      const result = await source({ path: 'estate/production-eu/api.env', layer: 'file' }).read();

      expect(result.status.layers).toEqual(['file']);
      expect(new Set(result.observations.map((o) => o.provenance.layer))).toEqual(new Set(['file']));
    });

    it('turns an aborted read into an aborted status', async () => {
      const controller = new AbortController();
      controller.abort();

      const result = await source({ path: 'estate/production-eu/api.env' }).read(controller.signal);

      expect(result.status.error?.code).toBe('aborted');
    });
  });
});

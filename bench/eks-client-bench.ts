/**
 * EKS source: which Kubernetes client to ship. Bundles a tiny entry that lists Deployments (paged) with
 * each candidate, the way the Lambda and the CLI are bundled (esbuild, minified, platform node, ESM),
 * then measures bundle size and cold import time (a fresh `node` per run, median), and checks both
 * bundles really list the same objects over HTTPS from the loopback API server.
 *
 * Run alone with `npx tsx bench/eks-client-bench.ts`, or as part of `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { startKubeServer } from '../test/support/kube-server.js';

/** Size and start-up cost of one candidate. */
export interface ClientFigures {
  readonly label: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Median time of `await import(bundle)` in a fresh node process. */
  readonly importMs: number;
  /** Names the bundle listed from the loopback server (functional check). */
  readonly listed: readonly string[];
}

/** What {@link runEksClientBench} measured. */
export interface EksClientBenchFigures {
  readonly typedGets: ClientFigures;
  readonly official: ClientFigures;
  /** The EKS token module (needed whichever client is used: neither makes EKS tokens in-process). */
  readonly tokenBytes: number;
  readonly runs: number;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'k8s-aws-v1.bench';

// Both entries export the same function: list every Deployment of a namespace, one item per page.
const TYPED_GETS_ENTRY = `
import { KubeClient } from ${JSON.stringify(join(root, 'lambdas/sources/eks/kube-client.ts'))};
export async function listDeployments(server, ca, token, namespace) {
  const client = new KubeClient({ cluster: 'bench', server, ca, token: () => token, pageSize: 1 });
  try { return (await client.list('deployments', namespace)).map((d) => d.metadata.name); } finally { client.close(); }
}`;

const OFFICIAL_ENTRY = `
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
export async function listDeployments(server, ca, token, namespace) {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'bench', server, caData: Buffer.from(ca).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'bench', token }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  const api = config.makeApiClient(AppsV1Api);
  const names = [];
  let next;
  do {
    const page = await api.listNamespacedDeployment({ namespace, limit: 1, _continue: next });
    names.push(...page.items.map((d) => d.metadata.name));
    next = page.metadata?._continue || undefined;
  } while (next);
  return names;
}`;

const TOKEN_ENTRY = `export { createEksToken } from ${JSON.stringify(join(root, 'lambdas/sources/eks/eks-token.ts'))};`;

async function bundle(contents: string, outfile: string): Promise<void> {
  await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    // What NodejsFunction adds for ESM: CommonJS dependencies inside still need `require`.
    banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
    logLevel: 'silent',
  });
}

/** Median of `runs` cold imports, each in a fresh node process; runs alternate between bundles. */
function coldImports(files: readonly string[], runs: number): number[][] {
  const times = files.map(() => [] as number[]);
  const script = 'const t=performance.now();await import(process.env.BENCH_BUNDLE);process.stdout.write(String(performance.now()-t));';
  for (let run = 0; run < runs; run++) {
    files.forEach((file, index) => {
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, BENCH_BUNDLE: pathToFileURL(file).href },
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
      times[index]?.push(Number(child.stdout));
    });
  }
  return times;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Measures both clients; prints a table when `print` is set. */
export async function runEksClientBench(options: { print?: boolean; runs?: number } = {}): Promise<EksClientBenchFigures> {
  const runs = options.runs ?? 7;
  const dir = mkdtempSync(join(tmpdir(), 'drift-audit-eks-bench-'));
  const server = await startKubeServer({
    acceptToken: TOKEN,
    objects: ['api-server', 'api-worker', 'legacy-admin'].map((name) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'api' },
      spec: { template: { spec: { containers: [{ name: 'app', image: `${name}:1.0.0` }] } } },
    })),
  });
  try {
    const files = { typedGets: join(dir, 'typed-gets.mjs'), official: join(dir, 'official.mjs'), token: join(dir, 'token.mjs') };
    await bundle(TYPED_GETS_ENTRY, files.typedGets);
    await bundle(OFFICIAL_ENTRY, files.official);
    await bundle(TOKEN_ENTRY, files.token);
    const [typedTimes = [], officialTimes = []] = coldImports([files.typedGets, files.official], runs);

    const figures = async (label: string, file: string, times: number[]): Promise<ClientFigures> => {
      const module = (await import(pathToFileURL(file).href)) as {
        listDeployments: (server: string, ca: string, token: string, namespace: string) => Promise<string[]>;
      };
      return {
        label,
        bytes: statSync(file).size,
        gzipBytes: gzipSync(readFileSync(file)).length,
        importMs: median(times),
        listed: await module.listDeployments(server.url, server.ca, TOKEN, 'api'),
      };
    };
    const result: EksClientBenchFigures = {
      typedGets: await figures('typed GETs (kube-client.ts)', files.typedGets, typedTimes),
      official: await figures('@kubernetes/client-node 1.4.0', files.official, officialTimes),
      tokenBytes: statSync(files.token).size,
      runs,
    };
    if (options.print) print(result);
    return result;
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function print(f: EksClientBenchFigures): void {
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} kB`;
  console.log('\n== eks: Kubernetes client, bundled as the Lambda is (esbuild --minify, platform node, esm) ==');
  for (const c of [f.typedGets, f.official]) {
    console.log(
      `${c.label.padEnd(32)} ${kb(c.bytes).padStart(10)} (gzip ${kb(c.gzipBytes).padStart(9)})   cold import ${c.importMs.toFixed(1).padStart(6)} ms (median of ${f.runs})`,
    );
  }
  const same = JSON.stringify(f.typedGets.listed) === JSON.stringify(f.official.listed);
  console.log(`both listed [${f.typedGets.listed.join(', ')}] page by page over HTTPS: ${same ? 'yes' : `NO (official: ${f.official.listed.join(', ')})`}`);
  console.log(`EKS token module (needed with either client): ${kb(f.tokenBytes)}`);
  const sizeRatio = f.official.bytes / f.typedGets.bytes;
  const importRatio = f.official.importMs / f.typedGets.importMs;
  console.log(
    `chosen: typed GETs: ${sizeRatio.toFixed(0)}x smaller, ${importRatio.toFixed(0)}x faster to import; the official client's extra surface buys nothing for the handful of list calls the views need`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await runEksClientBench({ print: true });
}

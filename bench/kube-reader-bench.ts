/**
 * Kubernetes reader benchmark: the views driver (`kubernetesObjectsToObservations`: env, image,
 * shape, autoscaler, disruption budget and pods views) over one synthetic kubectl List (see
 * `kube-estate.ts`), best of a few runs after a warm-up. What it costs to turn what the API returned
 * into observations, per object; the API calls themselves are the collection benchmark's business.
 *
 * `npx tsx bench/kube-reader-bench.ts [--workloads N]`, or as part of `npm run bench`.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { kubernetesObjectsToObservations } from '../lambdas/sources/kubernetes/index.js';
import { podsPayload } from '../lambdas/sources/kubernetes/views/pods/pods-payload.js';
import { buildKubeEstate, type KubeEstateOptions } from './kube-estate.js';

/** What one run measured. */
export interface KubeReaderBenchFigures {
  readonly workloads: number;
  readonly objects: number;
  /** Best of the timed runs. */
  readonly ms: number;
  readonly objectsPerSecond: number;
  readonly observations: number;
  readonly pods: number;
}

/** Converts the synthetic List `rounds` times and keeps the best time. */
export function runKubeReaderBench(options: KubeEstateOptions & { readonly rounds?: number }): KubeReaderBenchFigures {
  const { list, objects } = buildKubeEstate(options);
  const convert = () => kubernetesObjectsToObservations([list], { namespaces: [options.namespace ?? 'apps'], cluster: 'bench', region: 'eu-west-1' });
  let result = convert();
  let ms = Number.POSITIVE_INFINITY;
  for (let round = 0; round < (options.rounds ?? 5); round += 1) {
    const start = performance.now();
    result = convert();
    ms = Math.min(ms, performance.now() - start);
  }
  return {
    workloads: options.workloads,
    objects,
    ms,
    objectsPerSecond: (objects / ms) * 1000,
    observations: result.observations.length,
    pods: podsPayload(result.payloads).length,
  };
}

/** One line per figure, as `npm run bench` prints them. */
export function formatKubeReaderBench(f: KubeReaderBenchFigures): string {
  return [
    `== kubernetes reader: ${f.workloads} Deployments x 3 containers, HPA, PDB, ReplicaSet, 3 pods each (one kubectl List) ==`,
    `views driver        ${f.ms.toFixed(0)} ms for ${f.objects.toLocaleString('en')} objects: ${Math.round(f.objectsPerSecond).toLocaleString('en')} objects/s, ` +
      `${f.observations.toLocaleString('en')} observations, ${f.pods.toLocaleString('en')} pods`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { workloads: { type: 'string', default: '500' } } });
  console.log(formatKubeReaderBench(runKubeReaderBench({ workloads: Number(values.workloads) })));
}

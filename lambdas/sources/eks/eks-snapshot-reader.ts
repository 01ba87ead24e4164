import type { EksSourceSpec, EnvironmentSpec } from '../../engine/model.js';
import { compareText } from '../files/file-observations.js';
import { parseKubernetesManifests } from '../files/parse-kubernetes-manifests.js';
import type { SnapshotFileContext } from '../files/snapshot-file-observations.js';
import { asRecord } from '../kubernetes/unknown-shape.js';
import { podsPayload } from '../kubernetes/views/pods/pods-payload.js';
import { kubernetesObjectsToObservations } from '../kubernetes/workload-observations.js';
import type { SnapshotFormat, SnapshotReader } from '../source-kind.js';
import { EKS_LAYERS } from './eks-source-id.js';

/** `kubectl get deploy,sts,ds,cronjob,cm,hpa,pdb,rs,po -o json` (a List) or YAML manifests (multi-document). */
const kubernetesFormat: SnapshotFormat = {
  name: 'kubernetes',
  layers: EKS_LAYERS,
  layerOverride: false,
  load: parseKubernetesManifests,
  observations(file, spec, context) {
    const applications = spec.workloadApplications ?? context.workloadApplications;
    // `content` is what load above returned: the file's objects.
    const { observations, images, warnings, payloads } = kubernetesObjectsToObservations(file.content as readonly unknown[], {
      file: file.file,
      ...(context.namespaces === undefined ? {} : { namespaces: context.namespaces }),
      ...(context.workloads === undefined ? {} : { workloads: context.workloads }),
      ...(context.region === undefined ? {} : { region: context.region }),
      ...(context.account === undefined ? {} : { account: context.account }),
      ...(context.cluster === undefined ? {} : { cluster: context.cluster }),
      ...(applications === undefined ? {} : { applications }),
      ...(context.secretKey === undefined ? {} : { secretKey: context.secretKey }),
    });
    const pods = podsPayload(payloads);
    return {
      observations,
      images,
      ...(pods.length === 0 ? {} : { pods }),
      warnings: warnings.map((warning) => `${file.file}: ${warning}`),
      itemCount: observations.length,
    };
  },
};

function isKubernetesObject(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isKubernetesObject);
  const record = asRecord(value);
  const kind = record?.['kind'];
  if (typeof kind !== 'string') return false;
  return typeof record?.['apiVersion'] === 'string' || (kind.endsWith('List') && Array.isArray(record?.['items']));
}

/** The environment's EKS specs (this kind's own). */
function eksSpecsOf(environment: EnvironmentSpec): EksSourceSpec[] {
  return environment.sources.filter((source): source is EksSourceSpec => source.kind === 'eks');
}

/** The sorted union of the lists, or undefined ("everything") when there are none or one is empty. */
function unionOrAll(lists: readonly (readonly string[])[]): string[] | undefined {
  if (lists.length === 0 || lists.some((list) => list.length === 0)) return undefined;
  return [...new Set(lists.flat())].sort(compareText);
}

/**
 * Kubernetes objects, offline: any document with `apiVersion` and `kind` (or a `List`) makes the file
 * Kubernetes; files are filtered by the environment's `sources.eks` namespaces and workloads.
 */
export const eksSnapshotReader: SnapshotReader = {
  formats: [kubernetesFormat],
  contentRank: 0,
  detectDocuments: (_fileName, documents) => (documents.some(isKubernetesObject) ? 'kubernetes' : undefined),
  nameRank: 1,
  detectName: (name) => (/kube|k8s|manifest|deploy|configmap/.test(name) ? 'kubernetes' : undefined),
  context(environment): Partial<SnapshotFileContext> {
    const eks = eksSpecsOf(environment);
    const workloadApplications = eks[0]?.workloadApplications;
    // A union over clusters; an empty list on any one means "everything" there, hence no filter at all.
    const namespaces = unionOrAll(eks.map((spec) => spec.namespaces));
    const workloads = unionOrAll(eks.map((spec) => spec.workloads));
    const cluster = eks.length === 1 ? eks[0]?.cluster : undefined;
    return {
      ...(namespaces === undefined ? {} : { namespaces }),
      ...(workloads === undefined ? {} : { workloads }),
      ...(cluster === undefined ? {} : { cluster }),
      ...(workloadApplications === undefined ? {} : { workloadApplications }),
    };
  },
};

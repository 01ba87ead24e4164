import { z } from 'zod';
import { regionSchema } from '../../engine/baseline/baseline-primitives.js';
import type { EksSourceSpec } from '../../engine/model.js';
import type { BaselineSourcePiece } from '../source-kind.js';

const kubernetesNameSchema = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name (lower case letters, digits and "-")');

const workloadSchema = z
  .string()
  .regex(
    /^(deployment|statefulset|daemonset|cronjob)\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'kind/name with kind one of deployment, statefulset, daemonset, cronjob, such as deployment/api-server',
  )
  .describe('A workload as kind/name, such as deployment/api-server.');

const eksSourceSchema = z
  .strictObject({
    cluster: z
      .string()
      .regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, 'an EKS cluster name such as prod-eu')
      .describe('EKS cluster name.'),
    namespaces: z.array(kubernetesNameSchema).min(1, 'at least one namespace').describe('Namespaces whose workloads are read.'),
    workloads: z.array(workloadSchema).optional().describe('Workloads to read, as kind/name. Default: every workload of the namespaces.'),
    region: regionSchema.optional().describe("Region of the cluster. Default: the environment's region."),
  })
  .describe(
    'Workloads of an EKS cluster: env vars, ConfigMaps they reference, container images, shape (replicas, resources, probes, HPA, PDB: k8s: keys) and running pods (stale).',
  );

type EksSourceInput = z.infer<typeof eksSourceSchema>;

/** `sources.eks`: clusters with their namespaces and, optionally, workloads. */
export const eksBaseline: BaselineSourcePiece<EksSourceSpec> = {
  section: 'eks',
  description: 'EKS clusters.',
  entry: eksSourceSchema,
  normalise(entries, { workloadApplications }) {
    // Entries the schema above accepted.
    return (entries as readonly EksSourceInput[]).map(
      (eks): EksSourceSpec => ({
        kind: 'eks',
        cluster: eks.cluster,
        namespaces: eks.namespaces,
        workloads: eks.workloads ?? [],
        ...(eks.region === undefined ? {} : { region: eks.region }),
        ...(workloadApplications === undefined ? {} : { workloadApplications }),
      }),
    );
  },
};

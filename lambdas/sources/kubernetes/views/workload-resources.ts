import type { KubeResourceType } from './workload-view.js';

/**
 * The workload resources a live read lists, in the order they are read. ReplicaSets, Jobs and Pods are
 * observed offline when a file holds them, but never listed live: their controllers are what is declared.
 */
export const WORKLOAD_RESOURCE_TYPES: readonly KubeResourceType[] = [
  { plural: 'deployments', kind: 'Deployment', apiVersion: 'apps/v1', base: '/apis/apps/v1', operation: 'ListDeployments' },
  { plural: 'statefulsets', kind: 'StatefulSet', apiVersion: 'apps/v1', base: '/apis/apps/v1', operation: 'ListStatefulSets' },
  { plural: 'daemonsets', kind: 'DaemonSet', apiVersion: 'apps/v1', base: '/apis/apps/v1', operation: 'ListDaemonSets' },
  { plural: 'cronjobs', kind: 'CronJob', apiVersion: 'batch/v1', base: '/apis/batch/v1', operation: 'ListCronJobs' },
];

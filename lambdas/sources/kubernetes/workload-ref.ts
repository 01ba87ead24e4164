/** kubectl's short names and plurals, so a baseline may say `deploy/api` as people type it. */
const KIND_ALIASES: Readonly<Record<string, string>> = {
  deploy: 'deployment',
  deployments: 'deployment',
  sts: 'statefulset',
  statefulsets: 'statefulset',
  ds: 'daemonset',
  daemonsets: 'daemonset',
  rs: 'replicaset',
  replicasets: 'replicaset',
  jobs: 'job',
  cj: 'cronjob',
  cronjobs: 'cronjob',
  po: 'pod',
  pods: 'pod',
};

/**
 * A workload filter as the audit compares it, `deployment/api`, from what people type: `deploy/api`,
 * `deployments.apps/api` (the group is dropped: the kind identifies the workload). Undefined for a
 * filter not of the form `kind/name`.
 */
export function normaliseWorkloadRef(filter: string): string | undefined {
  const slash = filter.indexOf('/');
  if (slash <= 0 || slash === filter.length - 1) return undefined;
  const kind = filter.slice(0, slash).toLowerCase().split('.')[0] ?? '';
  return `${KIND_ALIASES[kind] ?? kind}/${filter.slice(slash + 1)}`;
}

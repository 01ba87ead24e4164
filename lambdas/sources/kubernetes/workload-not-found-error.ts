/**
 * A declared workload filter (`sources.eks[].workloads`) matches no workload of the input.
 *
 * Thrown rather than warned, so the reading source reports `status: 'error'` (code
 * `workload-not-found`): a source that read "ok" with nothing in it would turn every key of the
 * absent workload into a false `missing` and every open finding on it into a false `resolved`. A
 * renamed Deployment or a typo in the baseline is then a `source-error` the audit names.
 */
export class WorkloadNotFoundError extends Error {
  override readonly name = 'WorkloadNotFoundError';
  readonly code = 'workload-not-found';
  /** The filters that matched nothing, normalised (`deployment/api-server`), sorted. */
  readonly workloads: readonly string[];

  constructor(workloads: readonly string[], where: string) {
    const list = workloads.join(', ');
    const noun = workloads.length === 1 ? 'workload' : 'workloads';
    super(
      `cannot find ${noun} ${list}${where}: the baseline's workload filter matches nothing there, ` +
        'so its keys cannot be audited (renamed or removed? update sources.eks workloads)',
    );
    this.workloads = workloads;
  }
}

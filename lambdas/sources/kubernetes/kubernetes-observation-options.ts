/** What `kubernetesObjectsToObservations` selects and how it labels what it finds. */
export interface KubernetesObservationOptions {
  /** Only objects in these namespaces; all when absent or empty. */
  readonly namespaces?: readonly string[];
  /** `deployment/api-server` style filters (`deploy/`, `sts/`, `cj/`... accepted); all when absent or empty. */
  readonly workloads?: readonly string[];
  readonly region?: string;
  readonly account?: string;
  /** The snapshot file the objects came from, when offline. */
  readonly file?: string;
  readonly cluster?: string;
  /**
   * Declared applications by container: `deployment/api-server` (the default container) or
   * `deployment/api-server/app` -> application name. Unmapped containers are named after their workload.
   */
  readonly applications?: Readonly<Record<string, string>>;
  /**
   * Whether a key is secret under the baseline (a declared `secret: true` of an ordinary name, too):
   * such a variable is never expanded into another one's value. Secret-looking names when absent.
   */
  readonly secretKey?: (key: string) => boolean;
}

/**
 * One change to the live estate, as a change event reported it: what a source kind's change reader
 * matches against its declared specs to know which of its items a targeted run must re-read.
 *
 * `origin` names where the event came from, not a source kind: an SSM write arrives as an EventBridge
 * `Parameter Store Change` event, a Kubernetes write as a control-plane audit record.
 */
export type SourceChange = ParameterStoreChange | KubernetesAuditChange;

/**
 * A `Parameter Store Change` event (source `aws.ssm`): the envelope's account and region, and the
 * detail's `name` and `operation` (`Create`, `Update`, `Delete`, `LabelParameterVersion`). The detail
 * carries no value, and neither does this.
 */
export interface ParameterStoreChange {
  readonly origin: 'parameter-store';
  readonly account: string;
  readonly region: string;
  /** The parameter name, `/production-eu/api/payment/timeout`. */
  readonly name: string;
  readonly operation: string;
  /** ISO 8601: the envelope's `time`. */
  readonly time: string;
}

/**
 * A write (create, update, patch, delete) the Kubernetes API server recorded in its audit log for one
 * object, forwarded from the cluster's CloudWatch log group.
 */
export interface KubernetesAuditChange {
  readonly origin: 'kubernetes-audit';
  /** The EKS cluster name (from the log group `/aws/eks/<cluster>/cluster`). */
  readonly cluster: string;
  readonly region?: string;
  readonly account?: string;
  /** `objectRef.resource`: the plural resource, `deployments`, `configmaps`. */
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  /** `create`, `update`, `patch` or `delete`. */
  readonly verb: string;
  /** `user.username` of the writer. */
  readonly user?: string;
  /** ISO 8601: the audit record's `stageTimestamp`. */
  readonly time: string;
}

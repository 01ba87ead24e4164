/**
 * The live EKS source: workloads, their env, the ConfigMaps they read and their image tags, straight
 * from a cluster's Kubernetes API.
 *
 * Steps: `eks:DescribeCluster` (endpoint and CA) -> an IAM bearer token made in-process
 * ({@link createEksToken}) -> one pass per declared namespace listing the workloads (Deployments,
 * StatefulSets, DaemonSets, CronJobs) and what the registered workload views read (ConfigMaps, ...;
 * `kubernetes/views/registry.ts`), paginated -> {@link kubernetesObjectsToObservations}.
 * Secrets are never listed: secretKeyRefs are recorded by name and key only, and the view access policy
 * the audit role gets cannot read Secrets anyway.
 *
 * All or nothing: any failed step (AccessDenied, unreachable endpoint, wrong CA, refused token, 403 on
 * one namespace, timeout, an answer without the fields it must carry: `malformed-response`, a declared
 * workload that is not there: `workload-not-found`) yields an `error` status with a clear reason and no
 * observations, because a half-read cluster would turn unread values into `missing` findings. Status
 * messages never quote a response body.
 */
import { type Cluster, DescribeClusterCommand, type EKSClient } from '@aws-sdk/client-eks';
// Types only: @smithy/types ships with every @aws-sdk client.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { EksSourceSpec, SourceStatus } from '../../engine/model.js';
import type { ApiCallCounter } from '../aws/api-call-counter.js';
import { AwsReadError } from '../aws/aws-read-error.js';
import { asMalformedResponse, MalformedResponseError } from '../aws/malformed-response-error.js';
import { WorkloadNotFoundError } from '../kubernetes/workload-not-found-error.js';
import { abortedReadMessage, unexpectedErrorLabel } from '../read-failure.js';
import { KUBE_RESOURCE_TYPES } from '../kubernetes/views/registry.js';
import { podsPayload } from '../kubernetes/views/pods/pods-payload.js';
import { kubernetesObjectsToObservations } from '../kubernetes/workload-observations.js';
import type { Source, SourceReadResult } from '../source.js';
import { EksTokenError, eksTokenProvider } from './eks-token.js';
import { KubeApiError } from './kube-errors.js';
import { KubeClient, type KubeClientOptions, type KubeObject, type KubeResource } from './kube-client.js';

import { EKS_LAYERS, eksSourceId } from './eks-source-id.js';

export { EKS_LAYERS, eksSourceId };

/** Kubernetes calls are counted as `<cluster>:k8s.<Operation>`, beside `<region>:EKS.DescribeCluster`. */
export const KUBE_OPERATIONS: Readonly<Record<KubeResource, string>> = Object.fromEntries(KUBE_RESOURCE_TYPES.map((type) => [type.plural, type.operation]));

/** What an {@link EksSource} reads with. */
export interface EksSourceOptions {
  readonly spec: EksSourceSpec;
  /** The environment's region, used when the spec names none. */
  readonly region: string;
  /** The environment's account, copied into provenance. */
  readonly account?: string;
  /**
   * EKS client of the cluster's region (from `AwsClientFactory.eks`, which paces and counts
   * `DescribeCluster` as `<region>:EKS.DescribeCluster`). Its credentials also sign the bearer token,
   * so the principal that describes the cluster is the one its access entry must name.
   */
  readonly eks: EKSClient;
  /** Credentials for the token when they differ from the EKS client's. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Counts every Kubernetes API attempt as `<cluster>:k8s.ListDeployments` etc., 429s as throttled. */
  readonly counter?: ApiCallCounter;
  /** Injected clock (token signing, Retry-After dates). */
  readonly clock?: () => Date;
  /** Whether a key is secret under the baseline (see `KubernetesObservationOptions.secretKey`). */
  readonly secretKey?: (key: string) => boolean;
  /**
   * Overrides DescribeCluster's endpoint and CA (PEM): for a stand-in, a proxy or a port-forward.
   * DescribeCluster is still called, so its permission is still checked.
   */
  readonly apiServer?: { readonly url?: string; readonly ca?: string };
  /** Tuning of the Kubernetes client (page size, timeouts, retries; instant sleeps in tests). */
  readonly kube?: Partial<
    Pick<KubeClientOptions, 'pageSize' | 'timeoutMs' | 'idleTimeoutMs' | 'maxAttempts' | 'retryBaseMs' | 'maxRetryDelayMs' | 'sleep' | 'random'>
  >;
}

/** A read, plus the raw objects behind it (for `snapshot --out`, written with `toKubectlList`). */
export interface EksReadResult extends SourceReadResult {
  /** The audited workloads and the ConfigMaps they reference, sorted by namespace, kind, name; empty on error. */
  readonly objects: readonly KubeObject[];
}

/** The cluster exists but cannot be read yet (no endpoint or CA: still creating, say). */
export class EksClusterUnavailableError extends Error {
  override readonly name = 'EksClusterUnavailableError';
  readonly code = 'unavailable';
}

const KIND_ORDER: readonly string[] = KUBE_RESOURCE_TYPES.map((type) => type.kind);

/** Reads one {@link EksSourceSpec} of an environment; never throws for a read failure. */
export class EksSource implements Source {
  readonly id: string;
  readonly #options: EksSourceOptions;

  constructor(options: EksSourceOptions) {
    this.#options = options;
    this.id = eksSourceId(options.spec);
  }

  async read(signal?: AbortSignal): Promise<EksReadResult> {
    try {
      return await this.#read(signal);
    } catch (error) {
      return this.#failed(error, signal);
    }
  }

  async #read(signal: AbortSignal | undefined): Promise<EksReadResult> {
    const { spec, eks, account, counter, clock } = this.#options;
    const region = spec.region ?? this.#options.region;
    const { server, ca } = await this.#describe(region, signal);
    const credentials = this.#options.credentials ?? (() => eks.config.credentials());
    const token = eksTokenProvider({ credentials, region, cluster: spec.cluster, ...(clock ? { clock } : {}) });
    // Made up front so a credentials problem is reported as such, before any request.
    await token();

    const kube = new KubeClient({
      ...this.#options.kube,
      cluster: spec.cluster,
      server,
      ca,
      token,
      ...(clock ? { clock } : {}),
      onCall: (call) => counter?.record(spec.cluster, 'k8s', KUBE_OPERATIONS[call.resource] ?? call.resource, call.throttled),
    });
    const listed: KubeObject[] = [];
    try {
      for (const namespace of spec.namespaces) listed.push(...(await this.#readNamespace(kube, namespace, signal)));
    } finally {
      kube.close();
    }

    const { observations, images, warnings, used, payloads } = kubernetesObjectsToObservations(listed, {
      namespaces: spec.namespaces,
      workloads: spec.workloads,
      region,
      cluster: spec.cluster,
      ...(account === undefined ? {} : { account }),
      ...(spec.workloadApplications === undefined ? {} : { applications: spec.workloadApplications }),
      ...(this.#options.secretKey === undefined ? {} : { secretKey: this.#options.secretKey }),
    });
    const status: SourceStatus = {
      id: this.id,
      kind: 'eks',
      layers: EKS_LAYERS,
      status: 'ok',
      itemCount: observations.length,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    const pods = podsPayload(payloads);
    return { observations, images, ...(pods.length === 0 ? {} : { pods }), status, objects: auditedObjects(listed, used) };
  }

  async #describe(region: string, signal: AbortSignal | undefined): Promise<{ server: string; ca: string }> {
    const { spec, eks, apiServer } = this.#options;
    let cluster: Cluster | undefined;
    try {
      ({ cluster } = await eks
        .send(new DescribeClusterCommand({ name: spec.cluster }), signal ? { abortSignal: signal } : {})
        .catch((error: unknown) => Promise.reject(asMalformedResponse('DescribeCluster', error))));
      // DescribeCluster always returns the cluster it names (an unknown name is ResourceNotFoundException);
      // an answer without it (an empty body reads as `{}`) is not EKS's answer.
      if (typeof cluster !== 'object' || cluster === null) throw new MalformedResponseError('DescribeCluster', 'without a cluster');
    } catch (error) {
      throw new AwsReadError(`describe EKS cluster ${spec.cluster}`, region, error);
    }
    const server = apiServer?.url ?? cluster?.endpoint;
    const caData = cluster?.certificateAuthority?.data;
    const ca = apiServer?.ca ?? (caData ? Buffer.from(caData, 'base64').toString('utf8') : undefined);
    if (!server || !ca) {
      const missing = !server ? 'API endpoint' : 'certificate authority';
      throw new EksClusterUnavailableError(
        `cannot read EKS cluster ${spec.cluster} in ${region}: it has no ${missing} yet (status ${cluster?.status ?? 'unknown'})`,
      );
    }
    return { server, ca };
  }

  /** One pass over a namespace: every kind at once; the first failure cancels the others. */
  async #readNamespace(kube: KubeClient, namespace: string, signal: AbortSignal | undefined): Promise<KubeObject[]> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const lists = KUBE_RESOURCE_TYPES.map((type) => kube.list(type.plural, namespace, controller.signal));
    try {
      return (await Promise.all(lists)).flat();
    } catch (error) {
      controller.abort();
      // Let the siblings settle so no request outlives the source's read.
      await Promise.allSettled(lists);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The error status of a failed read. Only this module's own errors keep their message (each is
   * written from what was asked, codes and statuses, never a body); anything else is named by its class.
   */
  #failed(error: unknown, signal: AbortSignal | undefined): EksReadResult {
    const { spec } = this.#options;
    const region = spec.region ?? this.#options.region;
    const where = `cannot read EKS cluster ${spec.cluster} in ${region}`;
    let code: string;
    let message: string;
    if (signal?.aborted) {
      code = 'aborted';
      message = `${where}: ${abortedReadMessage(signal)}`;
    } else if (isOwnError(error)) {
      code = error.code;
      message = error.message.startsWith('cannot ') ? error.message : `${where}: ${error.message}`;
    } else {
      code = 'unknown';
      message = `${where}: ${unexpectedErrorLabel(error)}`;
    }
    return {
      observations: [],
      images: [],
      objects: [],
      status: { id: this.id, kind: 'eks', layers: EKS_LAYERS, status: 'error', itemCount: 0, error: { code, message } },
    };
  }
}

/**
 * The listed objects the audit used (the selected workloads and what their views read: ConfigMaps,
 * autoscalers, disruption budgets), sorted for byte-stable snapshots.
 */
function auditedObjects(listed: readonly KubeObject[], used: readonly unknown[]): KubeObject[] {
  const kept = new Set(used);
  return listed
    .filter((object) => kept.has(object))
    .sort(
      (a, b) =>
        compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
        KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
        compare(a.metadata.name, b.metadata.name),
    );
}

/** The errors a read is expected to fail with; each carries a stable `code` and a message safe to show. */
function isOwnError(error: unknown): error is Error & { readonly code: string } {
  return (
    error instanceof AwsReadError ||
    error instanceof KubeApiError ||
    error instanceof EksTokenError ||
    error instanceof EksClusterUnavailableError ||
    error instanceof WorkloadNotFoundError ||
    error instanceof MalformedResponseError
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

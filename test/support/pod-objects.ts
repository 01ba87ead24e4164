/**
 * Kubernetes objects as `kubectl get -o json` prints them, for the pods tests: a Deployment with its
 * ReplicaSets and Pods, the ConfigMap its env reads, and the External Secrets / Secrets Store CSI
 * objects that sync an SSM parameter into a Secret. Each builder states the fields the controllers
 * really set (labels, owner references, revision annotations, conditions, managedFields).
 */

type Obj = Record<string, unknown>;

/** A Deployment at `revision`, its rollout `complete` or under way (`rolling`, `stalled`). */
export function deployment(
  name: string,
  options: { revision: number; rollout?: 'complete' | 'rolling' | 'stalled' | 'unobserved'; env?: Obj[]; envFrom?: Obj[]; volumes?: Obj[]; mounts?: Obj[] },
): Obj {
  const rollout = options.rollout ?? 'complete';
  const reason = {
    complete: 'NewReplicaSetAvailable',
    rolling: 'ReplicaSetUpdated',
    stalled: 'ProgressDeadlineExceeded',
    unobserved: 'NewReplicaSetAvailable',
  }[rollout];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'api',
      generation: rollout === 'unobserved' ? options.revision + 1 : options.revision,
      annotations: { 'deployment.kubernetes.io/revision': String(options.revision) },
    },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: podTemplate(name, options) },
    status: {
      observedGeneration: options.revision,
      replicas: 2,
      updatedReplicas: rollout === 'complete' ? 2 : 1,
      availableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: rollout === 'stalled' ? 'False' : 'True', reason },
      ],
    },
  };
}

/** The ReplicaSet of `deployment` at `revision`, labelled with its pod-template-hash. */
export function replicaSet(deploymentName: string, hash: string, revision: number): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deploymentName}-${hash}`,
      namespace: 'api',
      labels: { app: deploymentName, 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName, controller: true }],
    },
    spec: { template: { metadata: { labels: { app: deploymentName, 'pod-template-hash': hash } } } },
  };
}

/** A running pod of the ReplicaSet `<deployment>-<hash>`, its container `app` started at `startedAt`. */
export function pod(
  deploymentName: string,
  hash: string,
  suffix: string,
  startedAt: string,
  options: { env?: Obj[]; envFrom?: Obj[]; volumes?: Obj[]; mounts?: Obj[]; phase?: string } = {},
): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${deploymentName}-${hash}-${suffix}`,
      namespace: 'api',
      labels: { app: deploymentName, 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deploymentName}-${hash}`, controller: true }],
    },
    spec: podTemplate(deploymentName, options).spec,
    status: {
      phase: options.phase ?? 'Running',
      startTime: startedAt,
      containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt } } }],
    },
  };
}

/** A ConfigMap whose data keys were last written by `manager` at `time` (managedFields). */
export function configMap(name: string, data: Record<string, string>, manager: string, time: string): Obj {
  const fields: Obj = { '.': {} };
  for (const key of Object.keys(data)) fields[`f:${key}`] = {};
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: 'api',
      managedFields: [{ manager, operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': fields } }],
    },
    data,
  };
}

/** A SecretStore reading AWS Parameter Store, and an ExternalSecret syncing `parameter` into `secret#key`. */
export function externalSecret(secret: string, key: string, parameter: string): Obj[] {
  return [
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'parameter-store', namespace: 'api' },
      spec: { provider: { aws: { service: 'ParameterStore', region: 'eu-west-1' } } },
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: `${secret}-sync`, namespace: 'api' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: 'parameter-store', kind: 'SecretStore' },
        target: { name: secret },
        data: [{ secretKey: key, remoteRef: { key: parameter } }],
      },
    },
  ];
}

/** A SecretProviderClass (AWS provider) mounting `parameter` as `alias` and syncing it into `secret#key`. */
export function secretProviderClass(secret: string, key: string, parameter: string, alias: string): Obj {
  return {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: { name: `${secret}-csi`, namespace: 'api' },
    spec: {
      provider: 'aws',
      secretObjects: [{ secretName: secret, type: 'Opaque', data: [{ objectName: alias, key }] }],
      parameters: { objects: `- objectName: "${parameter}"\n  objectType: "ssmparameter"\n  objectAlias: ${alias}\n` },
    },
  };
}

/** A kubectl `List` of `items`. */
export function list(items: readonly Obj[]): Obj {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

function podTemplate(name: string, options: { env?: Obj[]; envFrom?: Obj[]; volumes?: Obj[]; mounts?: Obj[] }): Obj {
  return {
    metadata: { labels: { app: name } },
    spec: {
      containers: [
        {
          name: 'app',
          image: `registry.example.com/${name}:1.0.0`,
          ...(options.env === undefined ? {} : { env: options.env }),
          ...(options.envFrom === undefined ? {} : { envFrom: options.envFrom }),
          ...(options.mounts === undefined ? {} : { volumeMounts: options.mounts }),
        },
      ],
      ...(options.volumes === undefined ? {} : { volumes: options.volumes }),
    },
  };
}

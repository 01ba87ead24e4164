/**
 * A synthetic Kubernetes namespace as `kubectl get deploy,cm,hpa,pdb,rs,po,externalsecret,secretstore -o json`
 * prints it: W Deployments of C containers each (resources, probes, env from literals, a ConfigMap
 * and a synced Secret), each with its autoscaling/v2 HPA, policy/v1 PDB, current ReplicaSet and P
 * running Pods. Deterministic: the same options give the same List. Used by the reader benchmark
 * and, converted by the real reader, by the engine benchmark's workload keys.
 */

/** Size and variation of the synthetic namespace. */
export interface KubeEstateOptions {
  readonly workloads: number;
  /** @default 3 */
  readonly containers?: number;
  /** @default 3 */
  readonly podsPerWorkload?: number;
  /** Varies a few values per environment (replicas, memory), so a comparison has something to find. @default 0 */
  readonly variant?: number;
  /** @default 'apps' */
  readonly namespace?: string;
}

/** The List and how many objects it holds. */
export interface KubeEstate {
  readonly list: { apiVersion: 'v1'; kind: 'List'; metadata: { resourceVersion: '' }; items: unknown[] };
  readonly objects: number;
}

const STARTED = '2026-11-01T08:00:00Z';

/** Builds the namespace described by `options`. */
export function buildKubeEstate(options: KubeEstateOptions): KubeEstate {
  const containers = options.containers ?? 3;
  const podsPerWorkload = options.podsPerWorkload ?? 3;
  const variant = options.variant ?? 0;
  const namespace = options.namespace ?? 'apps';
  const items: unknown[] = [
    {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'SecretStore',
      metadata: { name: 'parameter-store', namespace },
      spec: { provider: { aws: { service: 'ParameterStore', region: 'eu-west-1' } } },
    },
  ];
  for (let w = 0; w < options.workloads; w += 1) {
    const name = `svc-${String(w).padStart(4, '0')}`;
    const hash = `h${String(w).padStart(9, '0')}`;
    const labels = { app: name };
    // One workload in 50 differs per variant: the drift a comparison must find among the rest.
    const drifted = variant > 0 && w % 50 === 0;
    const template = {
      metadata: { labels },
      spec: {
        containers: Array.from({ length: containers }, (_, c) => ({
          name: c === 0 ? 'app' : `sidecar-${c}`,
          image: `registry.example.com/${name}/c${c}:1.${w % 7}.0`,
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'PORT', value: String(8080 + c) },
            { name: 'DB_POOL', valueFrom: { configMapKeyRef: { name: `${name}-config`, key: 'DB_POOL' } } },
            { name: 'API_KEY', valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: 'api-key' } } },
          ],
          resources: {
            requests: { cpu: c === 0 ? '500m' : '100m', memory: c === 0 && drifted ? '2Gi' : c === 0 ? '1Gi' : '128Mi' },
            limits: { memory: c === 0 ? '2Gi' : '256Mi' },
          },
          readinessProbe: { httpGet: { path: '/ready', port: 8080 + c }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: '/live', port: 8080 + c }, periodSeconds: 20, failureThreshold: 3 },
        })),
      },
    };
    const uid = `uid-${name}`;
    items.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace,
        uid,
        generation: 4,
        annotations: { 'deployment.kubernetes.io/revision': '4' },
        managedFields: [
          {
            manager: 'argocd-controller',
            operation: 'Apply',
            time: '2026-10-01T09:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:env': {}, 'f:resources': {} } } } } } },
          },
        ],
      },
      spec: { replicas: 3, selector: { matchLabels: labels }, template },
      status: {
        observedGeneration: 4,
        replicas: podsPerWorkload,
        updatedReplicas: podsPerWorkload,
        availableReplicas: podsPerWorkload,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
      },
    });
    items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, namespace }, data: { DB_POOL: '20' } });
    items.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 3,
        maxReplicas: drifted ? 20 : 30,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
    items.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace },
      spec: { selector: { matchLabels: labels }, maxUnavailable: 1 },
    });
    items.push({
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: `${name}-secrets`, namespace },
      spec: {
        secretStoreRef: { kind: 'SecretStore', name: 'parameter-store' },
        data: [{ secretKey: 'api-key', remoteRef: { key: `/bench/${name}/api_key` } }],
      },
    });
    items.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${name}-${hash}`,
        namespace,
        uid: `uid-${name}-${hash}`,
        labels: { ...labels, 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': '4' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid, controller: true }],
      },
      spec: { replicas: podsPerWorkload, template: { ...template, metadata: { labels: { ...labels, 'pod-template-hash': hash } } } },
    });
    for (let p = 0; p < podsPerWorkload; p += 1) {
      items.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${name}-${hash}-p${p}`,
          namespace,
          labels: { ...labels, 'pod-template-hash': hash },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${hash}`, uid: `uid-${name}-${hash}`, controller: true }],
        },
        spec: template.spec,
        status: {
          phase: 'Running',
          startTime: STARTED,
          containerStatuses: template.spec.containers.map((container) => ({
            name: container.name,
            restartCount: 0,
            state: { running: { startedAt: STARTED } },
          })),
        },
      });
    }
  }
  return { list: { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, objects: items.length };
}

/**
 * Which Secret keys are copies of SSM parameters, as far as the cluster's own objects say (Secrets
 * themselves are never read). Two common conventions are recognised:
 *
 * - External Secrets Operator: an `ExternalSecret` (external-secrets.io) whose `secretStoreRef` names a
 *   `SecretStore` (same namespace, the default kind) or `ClusterSecretStore` with
 *   `spec.provider.aws.service: ParameterStore` writes each `spec.data[]` entry's `remoteRef.key`
 *   (the parameter name) into `secretKey` of its target Secret (`spec.target.name`, defaulting to the
 *   ExternalSecret's own name). `dataFrom` entries name no keys and are not followed.
 * - Secrets Store CSI driver, AWS provider: a `SecretProviderClass` (secrets-store.csi.x-k8s.io) with
 *   `provider: aws` lists `parameters.objects` (a YAML string) of `objectName` / `objectType:
 *   ssmparameter` / optional `objectAlias`; its optional `secretObjects[]` sync mounted objects
 *   (`data[].objectName`: the alias or name) into a Secret's `data[].key`.
 */
import { parse } from 'yaml';
import { asArray, asRecord, asString } from '../../unknown-shape.js';

type Raw = Readonly<Record<string, unknown>>;

/** One Secret key known to hold an SSM parameter's value. */
export interface SyncedParameter {
  readonly parameter: string;
  /** `externalsecret/db` or `secretproviderclass/db`. */
  readonly via: string;
}

/** A Kubernetes object reduced to what this module reads. */
export interface SyncObject {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly raw: Raw;
}

/** `namespace/secret` -> Secret key -> the parameter it holds. */
export type SyncedSecrets = ReadonlyMap<string, ReadonlyMap<string, SyncedParameter>>;

/** Indexes what the ExternalSecrets and SecretProviderClasses of `objects` sync from Parameter Store. */
export function indexSyncedSecrets(objects: readonly SyncObject[], warnings: Set<string>): SyncedSecrets {
  const stores = new Map<string, Raw>();
  for (const object of objects) {
    if (object.kind === 'SecretStore') stores.set(`SecretStore/${object.namespace}/${object.name}`, object.raw);
    if (object.kind === 'ClusterSecretStore') stores.set(`ClusterSecretStore/${object.name}`, object.raw);
  }
  const index = new Map<string, Map<string, SyncedParameter>>();
  const add = (namespace: string, secret: string, key: string, synced: SyncedParameter): void => {
    const id = `${namespace}/${secret}`;
    const keys = index.get(id) ?? new Map<string, SyncedParameter>();
    keys.set(key, synced);
    index.set(id, keys);
  };
  for (const object of objects) {
    if (object.kind === 'ExternalSecret') indexExternalSecret(object, stores, add, warnings);
    if (object.kind === 'SecretProviderClass') indexProviderClass(object, add, warnings);
  }
  return index;
}

function indexExternalSecret(
  object: SyncObject,
  stores: ReadonlyMap<string, Raw>,
  add: (namespace: string, secret: string, key: string, synced: SyncedParameter) => void,
  warnings: Set<string>,
): void {
  const spec = asRecord(object.raw['spec']);
  const ref = asRecord(spec?.['secretStoreRef']);
  const storeKind = asString(ref?.['kind']) ?? 'SecretStore';
  const storeName = asString(ref?.['name']);
  if (storeName === undefined) return;
  const storeId = storeKind === 'ClusterSecretStore' ? `ClusterSecretStore/${storeName}` : `SecretStore/${object.namespace}/${storeName}`;
  const store = stores.get(storeId);
  if (store === undefined) {
    warnings.add(
      `externalsecret/${object.name} in namespace ${object.namespace}: ${storeKind.toLowerCase()}/${storeName} is not in the input; whether it reads Parameter Store is unknown`,
    );
    return;
  }
  const aws = asRecord(asRecord(asRecord(store['spec'])?.['provider'])?.['aws']);
  if (asString(aws?.['service']) !== 'ParameterStore') return;
  const target = asString(asRecord(spec?.['target'])?.['name']) ?? object.name;
  for (const item of asArray(spec?.['data'])) {
    const entry = asRecord(item);
    const secretKey = asString(entry?.['secretKey']);
    const parameter = asString(asRecord(entry?.['remoteRef'])?.['key']);
    if (secretKey !== undefined && parameter !== undefined) add(object.namespace, target, secretKey, { parameter, via: `externalsecret/${object.name}` });
  }
}

function indexProviderClass(
  object: SyncObject,
  add: (namespace: string, secret: string, key: string, synced: SyncedParameter) => void,
  warnings: Set<string>,
): void {
  const spec = asRecord(object.raw['spec']);
  if (asString(spec?.['provider']) !== 'aws') return;
  const parameters = new Map<string, string>();
  for (const item of providerObjects(spec, object, warnings)) {
    const entry = asRecord(item);
    const name = asString(entry?.['objectName']);
    if (name === undefined) continue;
    const fromArn = /^arn:aws[\w-]*:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(name)?.[1];
    if (asString(entry?.['objectType']) !== 'ssmparameter' && fromArn === undefined) continue;
    const parameter = fromArn ?? name;
    // The mounted file is named after the alias, else the object name (slashes become underscores).
    for (const alias of [asString(entry?.['objectAlias']), name, name.replaceAll('/', '_')]) {
      if (alias !== undefined && !parameters.has(alias)) parameters.set(alias, parameter);
    }
  }
  for (const item of asArray(spec?.['secretObjects'])) {
    const secretObject = asRecord(item);
    const secretName = asString(secretObject?.['secretName']);
    if (secretName === undefined) continue;
    for (const dataItem of asArray(secretObject?.['data'])) {
      const data = asRecord(dataItem);
      const key = asString(data?.['key']);
      const parameter = parameters.get(asString(data?.['objectName']) ?? '');
      if (key !== undefined && parameter !== undefined) add(object.namespace, secretName, key, { parameter, via: `secretproviderclass/${object.name}` });
    }
  }
}

function providerObjects(spec: Raw | undefined, object: SyncObject, warnings: Set<string>): readonly unknown[] {
  const text = asString(asRecord(spec?.['parameters'])?.['objects']);
  if (text === undefined) return [];
  try {
    const parsed: unknown = parse(text);
    // The AWS provider takes a list; the Azure-style `array:` of YAML strings is not its format.
    return asArray(parsed);
  } catch {
    warnings.add(`secretproviderclass/${object.name} in namespace ${object.namespace}: parameters.objects is not YAML; ignored`);
    return [];
  }
}

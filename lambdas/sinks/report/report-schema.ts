import { z } from 'zod';
import { FINDING_TYPES, SEVERITIES, SOURCE_LAYERS } from '../../engine/model.js';
import type { Finding, Provenance, SourceStatus, Transition } from '../../engine/model.js';
import { sourceKindNames } from '../../sources/registry.js';

/** The `schema` value of every JSON report this version writes. Bumped only on a breaking change. */
export const REPORT_SCHEMA_ID = 'drift-audit.report/1';

const severity = z.enum(SEVERITIES);
const layer = z.enum(SOURCE_LAYERS);

const shownValue = z
  .object({
    text: z.string().meta({ description: 'What to print; `[secret]` for a secret.' }),
    secret: z.boolean(),
  })
  .meta({ description: 'A value shown to people; secret values are never present, only `[secret]`.' });

const revertTarget = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('ssm-parameter'),
    name: z.string(),
    type: z.enum(['String', 'StringList', 'SecureString']),
  }),
  z.looseObject({
    kind: z.literal('workload-env'),
    namespace: z.string(),
    workload: z.string(),
    container: z.string(),
    variable: z.string(),
  }),
  z.looseObject({ kind: z.literal('configmap-key'), namespace: z.string(), configMap: z.string(), dataKey: z.string() }),
  z.looseObject({ kind: z.literal('file-key'), file: z.string(), path: z.string() }),
  z.looseObject({ kind: z.literal('workload-replicas'), namespace: z.string(), workload: z.string() }),
  z.looseObject({
    kind: z.literal('container-resources'),
    namespace: z.string(),
    workload: z.string(),
    container: z.string(),
    bound: z.enum(['requests', 'limits']),
    resource: z.string(),
  }),
  z.looseObject({
    kind: z.literal('container-probe'),
    namespace: z.string(),
    workload: z.string(),
    container: z.string(),
    list: z.enum(['containers', 'initContainers']),
    probe: z.enum(['livenessProbe', 'readinessProbe', 'startupProbe']),
    field: z.string(),
  }),
  z.looseObject({ kind: z.literal('hpa'), namespace: z.string(), workload: z.string(), hpa: z.string().optional(), field: z.string() }),
  z.looseObject({ kind: z.literal('pdb'), namespace: z.string(), workload: z.string(), pdb: z.string().optional(), field: z.string() }),
]);

const provenance = z
  .object({
    source: z.enum(['ssm', 'kubernetes', 'dotenv', 'app-config']),
    layer,
    location: z.string().meta({ description: 'Parameter name or ARN, `deployment/api container app`, a file path.' }),
    file: z.string().optional(),
    version: z.string().optional(),
    changedAt: z.string().optional().meta({ description: 'ISO 8601.' }),
    changedBy: z.string().optional().meta({ description: 'SSM LastModifiedUser or Kubernetes field manager.' }),
    outOfBand: z.boolean().optional().meta({ description: 'True when the change was made outside the pipeline.' }),
    region: z.string().optional(),
    account: z.string().optional(),
    cluster: z.string().optional().meta({ description: 'EKS cluster, for Kubernetes observations.' }),
    target: revertTarget.optional(),
  })
  .meta({ description: 'Where a value came from and what is known of its last change.' });

const baselineEdit = z.looseObject({
  path: z.array(z.string()).meta({ description: 'Node path from the baseline document root.' }),
  value: z
    .union([z.string(), z.null(), z.record(z.string(), z.string())])
    .optional()
    .meta({ description: 'Absent: delete the node.' }),
  file: z.string().optional(),
  op: z.enum(['set', 'delete', 'append']).optional(),
});

const fix = z.looseObject({
  summary: z.string(),
  command: z.string().optional().meta({ description: 'Shell command; never holds a secret value.' }),
  baselineEdit: baselineEdit.optional(),
});

/** A finding exactly as the engine's `Finding`, secrets redacted. */
export const findingSchema = z
  .object({
    id: z.string().meta({ description: 'Stable across runs: `type:environment:application:key` (`type:environment:key` when no application).' }),
    type: z.enum(FINDING_TYPES),
    severity,
    environment: z.string(),
    tier: z.string().optional(),
    region: z.string().optional(),
    account: z.string().optional(),
    application: z.string().optional().meta({ description: 'The application whose key this is (a workload, an SSM tree per application).' }),
    key: z.string(),
    expected: shownValue.optional().meta({ description: 'Absent when the baseline declares nothing.' }),
    actual: shownValue.optional().meta({ description: 'Absent for `missing`.' }),
    message: z.string(),
    provenance: z.array(provenance).meta({ description: 'The effective (winning) observation first.' }),
    comparedWith: z.record(z.string(), shownValue).optional().meta({ description: 'For parity and version: the value per environment compared.' }),
    fixes: z.looseObject({ revert: fix.optional(), accept: fix.optional() }),
  })
  .meta({ description: 'A typed difference between the live estate and the baseline.' });

const sourceStatus = z.looseObject({
  id: z.string(),
  kind: z.enum(sourceKindNames()),
  layers: z.array(layer),
  status: z.enum(['ok', 'error']),
  itemCount: z.number().int(),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
  warnings: z.array(z.string()).optional().meta({ description: 'Problems that did not stop the read.' }),
});

const transition = z.looseObject({
  kind: z.enum(['opened', 'changed', 'escalated', 'resolved']),
  finding: findingSchema,
  firstSeen: z.string(),
  at: z.string(),
  previous: z.object({ severity, actual: shownValue.optional(), expected: shownValue.optional() }).optional(),
});

const severityCounts = z.record(severity, z.number().int());

/**
 * The JSON report, `schema: "drift-audit.report/1"`. Additive changes (new optional fields) keep the
 * version, so every object admits fields it does not list and consumers must ignore those; removing
 * or retyping a field bumps the version. Top-level fields are always present (`null` when
 * unknown); nested objects are the engine's model types with absent optional fields left out.
 * `z.toJSONSchema(reportSchema)` gives the JSON Schema for consumers in other languages.
 */
export const reportSchema = z
  .object({
    // Optional only so reports written before it was added still validate (an additive change).
    complete: z.boolean().optional().meta({
      description: 'Always written, as the first property: false when any source could not be read (`status` is then `partial`).',
    }),
    schema: z.literal(REPORT_SCHEMA_ID),
    generatedAt: z.string().meta({ description: 'ISO 8601 time of the run the report describes.' }),
    status: z.enum(['ok', 'partial']).meta({
      description: '`partial`: at least one source could not be read; absent keys there are unknown, not missing.',
    }),
    summary: z.string().meta({ description: 'The one-line verdict the human formats close on.' }),
    baselineVersion: z.string().nullable().meta({ description: 'S3 version id or content hash of the baseline.' }),
    counts: z.looseObject({
      total: z.number().int(),
      bySeverity: severityCounts,
      byType: z.record(z.enum(FINDING_TYPES), z.number().int()),
    }),
    environments: z
      .array(
        z.looseObject({
          name: z.string(),
          tier: z.string(),
          region: z.string().nullable(),
          account: z.string().nullable(),
          complete: z.boolean().meta({ description: 'False when one of its sources failed.' }),
          counts: severityCounts,
        }),
      )
      .meta({ description: 'Every audited environment, by name.' }),
    sources: z.array(sourceStatus).meta({ description: 'Every declared source, by id.' }),
    findings: z.array(findingSchema).meta({ description: 'Worst first, then environment, key, type.' }),
    transitions: z.array(transition).nullable().meta({ description: 'How findings moved since the previous run; null when the lifecycle is unknown (CLI).' }),
  })
  .meta({ title: 'drift-audit report', description: 'One audit run: verdict, sources read and findings.' });

/** A parsed JSON report. */
export type JsonReport = z.infer<typeof reportSchema>;

/*
 * Compile-time guards: the schema names every field of the model types it mirrors, so a field added to
 * the model cannot go missing from the published schema unnoticed. (Parsed findings are not checked
 * for assignability to `Finding`: JSON has no `value: undefined`, which a deleting `BaselineEdit` holds;
 * `renderJson` writes such an edit with `op: "delete"` and no value.)
 */
type Exhaustive<T extends never> = T;
type Within<Model, Parsed extends Model> = Parsed;
/** A parsed value as JSON holds it: zod types an optional field `T | undefined`, but in JSON it is only ever absent. */
type FromJson<T> = T extends readonly (infer E)[] ? FromJson<E>[] : T extends object ? { [K in keyof T]: FromJson<Exclude<T[K], undefined>> } : T;
type ModelGuard = [
  Exhaustive<Exclude<keyof Finding, keyof typeof findingSchema.shape>>,
  Exhaustive<Exclude<keyof Provenance, keyof typeof provenance.shape>>,
  Exhaustive<Exclude<keyof SourceStatus, keyof typeof sourceStatus.shape>>,
  Within<SourceStatus, FromJson<z.infer<typeof sourceStatus>>>,
  Within<Provenance, FromJson<z.infer<typeof provenance>>>,
  Exhaustive<Exclude<keyof Transition, keyof typeof transition.shape>>,
];
export type { ModelGuard as _ModelGuard };

/** The shown-value piece the alert body's schema (`alerts/run-message-schema.ts`) shares with the report's. */
export { shownValue as shownValueSchema };

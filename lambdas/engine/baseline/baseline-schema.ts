import { z } from 'zod';
import { SEVERITIES } from '../model.js';
import { sourceKinds } from '../../sources/registry.js';
import { applicationNameSchema, keyStyleSchema, regionSchema, sourceLayerSchema } from './baseline-primitives.js';
import { fedFromSchema } from './fed-from-schema.js';
import { valuesFilesSchema } from './values-files/values-schema.js';

export { applicationNameSchema, keyStyleSchema, sourceLayerSchema };

/*
 * The baseline file format, as one zod schema: the parser validates with it and
 * `scripts/generate-schema.ts` turns it into the JSON Schema editors use, so the two never disagree.
 *
 * The schema is deliberately free of transforms and defaults: what it accepts is exactly what is
 * written in the file, so the JSON Schema describes the input and every node keeps its position.
 * Defaults, shorthands and cross-references are resolved afterwards (`normalise-baseline.ts`,
 * `check-baseline-references.ts`), where a whole multi-file baseline is in view.
 *
 * Messages given to checks say what is expected ("an AWS region such as eu-west-1"): the issue
 * converter prefixes them with what was found.
 */

/** Finding severity, lowest first. */
export const severitySchema = z.enum(SEVERITIES).describe('Finding severity: info, low, medium, high or critical.');

/** A value as written in YAML; normalised to a string by the parser. */
export const scalarSchema = z.union([z.string(), z.number(), z.boolean()]).describe('A value. Numbers and booleans are compared as written (20 means "20").');

/** A value, or `null` for "must be absent here". */
export const nullableScalarSchema = z.union([scalarSchema, z.null()]).describe('The expected value, or null when the key must be absent there.');

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_EXPECTED = 'a name of letters, digits, ".", "_" or "-" that starts with a letter or digit';

/** An environment name: it appears in finding ids (`type:environment:key`), so it stays simple. */
export const environmentNameSchema = z.string().regex(NAME_PATTERN, NAME_EXPECTED).describe('Environment name.');
/** A tier name (production, staging, ...). */
export const tierNameSchema = z.string().regex(NAME_PATTERN, NAME_EXPECTED).describe('Tier name, such as production or staging.');

const precedenceSchema = z
  .array(sourceLayerSchema)
  .min(1, 'at least one layer')
  .superRefine((layers, ctx) => {
    const seen = new Set<string>();
    for (const [index, layer] of layers.entries()) {
      if (seen.has(layer)) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          input: layer,
          message: `layer "${layer}" is listed twice; expected each layer at most once`,
          params: { code: 'invalid-value' },
        });
      }
      seen.add(layer);
    }
  })
  .meta({ uniqueItems: true })
  .describe(
    'Order in which the application reads its configuration layers, lowest precedence first: the last layer holding a key wins. Default: [file, env, configmap, secret, ssm]. A sixth layer, workload, holds the k8s: shape keys and nothing else (no other layer ever holds one); a precedence that omits it still sees it, ranked above every listed layer.',
  );

const accountSchema = z
  .union([
    z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id, such as "111122223333"'),
    z
      .number()
      .int('a 12-digit AWS account id; quote it ("012345678901") when it starts with 0')
      .min(100_000_000_000, 'a 12-digit AWS account id; quote it ("012345678901") when it starts with 0')
      .max(999_999_999_999, 'a 12-digit AWS account id'),
  ])
  .describe('AWS account id (12 digits). Quote it when it starts with 0.');

const roleArnSchema = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'an IAM role ARN such as arn:aws:iam::111122223333:role/drift-audit-read')
  .describe('IAM role the auditor assumes to read this environment (for another account).');

/** Each registered kind's section, in registry order (ssm, eks, files). */
const sourcesSchema = z
  .strictObject(
    Object.fromEntries(sourceKinds.all.map((kind) => [kind.baseline.section, z.array(kind.baseline.entry).optional().describe(kind.baseline.description)])),
  )
  .describe('Where this environment’s configuration is read from.');

/** One environment's declaration. */
export const environmentSchema = z
  .strictObject({
    tier: tierNameSchema.describe('Tier (production, staging, ...): expected differences and constraints can be declared per tier.'),
    account: accountSchema.optional(),
    region: regionSchema.optional(),
    role_arn: roleArnSchema.optional(),
    precedence: precedenceSchema.optional().describe('Overrides defaults.precedence for this environment.'),
    sources: sourcesSchema.optional(),
    values: valuesFilesSchema({ keyStyle: keyStyleSchema, applicationName: applicationNameSchema }).optional(),
  })
  .describe('A named place configuration lives, such as production-eu.');

const patternSchema = z
  .string()
  .superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        input: pattern,
        message: `pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(error as Error).message}`,
        params: { code: 'invalid-pattern' },
      });
    }
  })
  .describe('Regular expression in RE2 syntax (no lookaround or backreferences; matched in time linear in the value) the whole value must match.');

const constraintFields = {
  type: z
    .enum(['string', 'integer', 'number', 'boolean', 'duration', 'url', 'quantity'])
    .optional()
    .describe(
      'Value type: string, integer, number, boolean, duration (10s, 5m, 250ms), url or quantity (a Kubernetes resource.Quantity, compared by value: decimal SI suffixes m k M G T P E, binary Ki Mi Gi Ti Pi Ei, exponents e/E; 2Gi == 2048Mi, 1000m == 1; k8s:resources.* keys compare so without declaring it).',
    ),
  enum: z.array(scalarSchema).min(1, 'at least one allowed value').optional().describe('Allowed values.'),
  min: z.number().optional().describe('Smallest allowed number (durations: in seconds).'),
  max: z.number().optional().describe('Largest allowed number (durations: in seconds).'),
  pattern: patternSchema.optional(),
};

/** Constraints scoped to an environment or a tier. */
export const constraintsSchema = z.strictObject(constraintFields).describe('Value constraints; all present ones must hold.');

/** A setting in its long form. */
export const settingObjectSchema = z
  .strictObject({
    value: scalarSchema.optional().describe('Value shared by every environment without a more specific declaration.'),
    description: z.string().optional().describe('Why the setting exists; for people, not checked.'),
    ...constraintFields,
    severity: severitySchema.optional().describe('Severity of findings on this key. Default: defaults.severity.'),
    secret: z.boolean().optional().describe('Audited by presence, type and version only: no value, enum or pattern may be declared.'),
    required: z.boolean().optional().describe('Report the key missing when absent. Default: true when a value is declared for some environment.'),
    parity: z
      .enum(['tier', 'all', 'none'])
      .optional()
      .describe('Which environments must agree when no value is declared: tier (same tier), all, none. Default: tier.'),
    layer: sourceLayerSchema.optional().describe('The layer the key is expected to live in (workload for k8s: shape keys).'),
    fed_from: fedFromSchema.optional(),
    applications: z
      .array(applicationNameSchema)
      .min(1, 'at least one application')
      .optional()
      .describe(
        'For a shared setting: the applications it holds for. Default: every declared application, or (none declared) every application that reads the key somewhere.',
      ),
    environments: z
      .record(z.string(), nullableScalarSchema)
      .optional()
      .describe('Expected values by environment name; null means the key must be absent there.'),
    tiers: z.record(z.string(), nullableScalarSchema).optional().describe('Expected values by tier; environment entries win over tier entries.'),
    constraints: z.record(z.string(), constraintsSchema).optional().describe('Extra constraints by environment name or tier (environment entries win).'),
  })
  .describe(
    'The intended state of one key: an env var, SSM or ConfigMap key, or a workload shape key in the reserved k8s: namespace (k8s:replicas, k8s:resources.<requests|limits>.<cpu|memory|ephemeral-storage>, k8s:probe.<liveness|readiness|startup> (present/absent), k8s:probe.<liveness|readiness|startup>.<field>, k8s:hpa, k8s:hpa.<minReplicas|maxReplicas>, k8s:hpa.metrics.<name>.<averageUtilization|averageValue|value>, k8s:hpa.behavior.<scaleUp|scaleDown>.<field>, k8s:pdb, k8s:pdb.<minAvailable|maxUnavailable>; README "Workload shape keys").',
  );

/** A setting: its long form, or a scalar as shorthand for `{ value }`. */
export const settingSchema = z
  .union([scalarSchema, settingObjectSchema, z.null()])
  .describe('A setting: a value shared by every environment (shorthand), a mapping, or empty (declared with no value: environments must agree).');

/** A temporary, owned, dated deviation. */
export const exceptionSchema = z
  .strictObject({
    key: z.string().min(1, 'a key').describe('The key the exception is for.'),
    application: applicationNameSchema.optional().describe('The application it applies to. Default: every application reading the key.'),
    environment: environmentNameSchema.optional().describe('Environment it applies to (not with tier). Default: every environment.'),
    tier: tierNameSchema.optional().describe('Tier it applies to (not with environment).'),
    value: scalarSchema.optional().describe('The deviating value allowed. Default: any value.'),
    owner: z.string().min(1, 'who owns the exception, such as alice@example.com').describe('Who owns the exception.'),
    reason: z.string().min(1, 'why the exception exists, such as a ticket').describe('Why the deviation is allowed.'),
    expires: z.iso.date('a date written YYYY-MM-DD, such as 2026-10-01').describe('Last day (UTC) the exception holds, YYYY-MM-DD.'),
  })
  .describe('A temporary deviation from the baseline with an owner, a reason and an expiry date.');

/** Defaults for the whole baseline. */
export const defaultsSchema = z
  .strictObject({
    severity: severitySchema.optional().describe('Severity of findings on keys that declare none. Default: medium.'),
    precedence: precedenceSchema.optional(),
    unmanaged: z
      .enum(['compare', 'compare-tier', 'report', 'ignore'])
      .optional()
      .describe(
        'What to do with live keys no setting declares: compare (the contract: each must be identical in every environment, a difference is a parity finding), compare-tier (identical within each tier), report (an unmanaged finding each), ignore. Default: compare.',
      ),
    unmanaged_severity: severitySchema
      .optional()
      .describe(
        'Severity of findings on undeclared keys (differences under compare, unmanaged under report). Default: medium under compare, low under report.',
      ),
  })
  .describe('Defaults for the whole baseline.');

/** Who counts as "the pipeline". */
export const attributionSchema = z
  .strictObject({
    out_of_band_managers: z
      .array(z.string().min(1, 'a field manager name, such as kubectl-edit'))
      .optional()
      .describe('Kubernetes field managers whose changes are made by hand. Default: [kubectl-set, kubectl-edit, kubectl-patch, kubectl-scale].'),
    pipeline_principals: z
      .array(z.string().min(1, 'an ARN or ARN fragment, such as role/deploy-pipeline'))
      .optional()
      .describe('SSM principals (ARN substrings) of the deploy pipeline; changes by anyone else are out of band. Default: [].'),
  })
  .describe('How changes are attributed to the pipeline or to people.');

/** How container images are compared between environments (`version` findings). */
export const imagesSchema = z
  .strictObject({
    parity: z
      .enum(['all', 'tier', 'none'])
      .optional()
      .describe(
        'Which environments must run the same image tag of a container: all (every environment), tier (environments of the same tier only, so staging may run ahead during a release while production regions must agree), or none (never compared). Default: all. A single difference is declared with an exception (key: <workload>/<container>, such as deployment/api-server/pgbouncer; value: the tag) or silenced with an ignore pattern.',
      ),
  })
  .describe('How container image versions are compared between environments.');

const settingsMapSchema = z.record(z.string().min(1, 'a non-empty key'), settingSchema);
const expectedDifferencesSchema = z.record(z.string().min(1, 'a non-empty key'), z.record(z.string(), nullableScalarSchema));

/** One application: which containers it is, and the settings only it reads. */
export const applicationSchema = z
  .strictObject({
    workloads: z
      .array(
        z
          .string()
          .regex(
            /^(deployment|statefulset|daemonset|cronjob)\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[a-z0-9]([-a-z0-9]*[a-z0-9])?)?$/,
            'kind/name or kind/name/container, such as deployment/api-server or deployment/api-server/app',
          ),
      )
      .optional()
      .describe(
        'Kubernetes containers that are this application: kind/name (the default container) or kind/name/container. Default: a workload named like the application.',
      ),
    description: z.string().optional().describe('What the application is; for people, not checked.'),
    settings: settingsMapSchema.nullable().optional().describe('Settings of this application only; they replace a shared setting of the same key.'),
    expected_differences: expectedDifferencesSchema
      .nullable()
      .optional()
      .describe('Declared differences of this application: KEY: { environment-or-tier: value }.'),
  })
  .describe('An application of the estate: keys are scoped to the application that reads them.');

/** The sections of one baseline file; the sections of every file of a baseline merge. */
export const baselineFileSchema = z
  .strictObject({
    version: z.literal(1).optional().describe('Format version; 1.'),
    defaults: defaultsSchema.nullable().optional(),
    attribution: attributionSchema.nullable().optional(),
    images: imagesSchema.nullable().optional(),
    environments: z
      .record(environmentNameSchema, environmentSchema)
      .nullable()
      .optional()
      .describe('Environments by name, in order: the first declared is the parity reference.'),
    applications: z
      .record(applicationNameSchema, applicationSchema.nullable())
      .nullable()
      .optional()
      .describe('Applications by name. Optional: undeclared, each workload is its own application, named after it.'),
    settings: settingsMapSchema
      .nullable()
      .optional()
      .describe(
        'Settings shared by every application, by key: an env var, SSM or ConfigMap key, or a k8s: workload shape key (k8s:replicas, k8s:resources.limits.memory, ...).',
      ),
    expected_differences: expectedDifferencesSchema
      .nullable()
      .optional()
      .describe(
        'Declared differences: KEY: { environment-or-tier: value }, KEY a setting name or a k8s: shape key (k8s:resources.limits.memory: { staging: 8Gi, production: 32Gi }). Anything not declared must be identical.',
      ),
    ignore: z
      .array(z.string().min(1, 'a non-empty glob pattern, such as KUBERNETES_*'))
      .nullable()
      .optional()
      .describe('Glob patterns (*, ?) of keys never reported.'),
    exceptions: z.array(exceptionSchema).nullable().optional().describe('Temporary, owned, dated deviations.'),
  })
  .meta({
    title: 'drift-audit baseline',
    description:
      'The intended configuration of every environment: shared values, declared expected differences, constraints, secrets, ignore patterns and temporary exceptions. Every *.yaml file of the baseline directory holds some of these sections; they merge.',
  });

/** One baseline file as written (after YAML parsing). */
export type BaselineFileInput = z.infer<typeof baselineFileSchema>;
/** A setting in its long form, as written. */
export type SettingObjectInput = z.infer<typeof settingObjectSchema>;
/** A setting as written: shorthand scalar or long form. */
export type SettingInput = z.infer<typeof settingSchema>;
/** An environment as written. */
export type EnvironmentInput = z.infer<typeof environmentSchema>;
/** An application as written. */
export type ApplicationInput = z.infer<typeof applicationSchema>;
/** An exception as written. */
export type ExceptionInput = z.infer<typeof exceptionSchema>;
/** Scoped constraints as written. */
export type ConstraintsInput = z.infer<typeof constraintsSchema>;
/** Defaults as written. */
export type DefaultsInput = z.infer<typeof defaultsSchema>;
/** The images section as written. */
export type ImagesInput = z.infer<typeof imagesSchema>;
/** Attribution as written. */
export type AttributionInput = z.infer<typeof attributionSchema>;
/** A scalar as written. */
export type ScalarInput = z.infer<typeof scalarSchema>;

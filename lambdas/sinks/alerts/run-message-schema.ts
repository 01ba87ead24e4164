import { z } from 'zod';
import { FINDING_TYPES, SEVERITIES } from '../../engine/model.js';
import { findingSchema, shownValueSchema } from '../report/report-schema.js';
import { RUN_MESSAGE_SCHEMA, type RunMessageBody, type TransitionMessage } from './run-message.js';

const severity = z.enum(SEVERITIES);
const transitionKind = z.enum(['opened', 'changed', 'escalated', 'resolved']);

const transitionMessage = z
  .looseObject({
    kind: transitionKind,
    findingId: z.string().meta({ description: 'The finding’s stable id; with `kind` and `at`, what tells a repeated delivery apart.' }),
    // The finding's own fields, as the report publishes them.
    ...findingSchema.pick({
      type: true,
      severity: true,
      environment: true,
      tier: true,
      region: true,
      account: true,
      key: true,
      message: true,
      expected: true,
      actual: true,
      provenance: true,
      fixes: true,
    }).shape,
    firstSeen: z.string().meta({ description: 'ISO 8601: when this episode of the finding opened.' }),
    at: z.string().meta({ description: 'ISO 8601: the run that made this transition.' }),
    previous: z.looseObject({ severity, actual: shownValueSchema.optional(), expected: shownValueSchema.optional() }).optional(),
  })
  .meta({ description: 'One transition; values redacted by the engine and bounded to 1 KiB (a longer one is a preview with its length and SHA-256).' });

const counts = (keys: readonly [string, ...string[]]) => z.record(z.enum(keys), z.number().int());

/**
 * The alert body, `schema: "drift-audit.run/1"`: what SNS delivers to every protocol but e-mail
 * (`default` of the per-protocol message). Additive changes keep the version, so objects admit fields
 * they do not list; removing or retyping a field bumps it. Published as `schema/alert.schema.json`.
 */
export const runMessageBodySchema = z
  .looseObject({
    schema: z.literal(RUN_MESSAGE_SCHEMA),
    run: z.looseObject({
      runId: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
      status: z.enum(['ok', 'partial', 'failed']).meta({ description: '`partial`: some sources could not be read; `failed`: see `error`.' }),
      baselineVersion: z.string().optional(),
      environments: z.array(z.string()),
      sourcesRead: z.number().int(),
      sourcesFailed: z.array(z.looseObject({ id: z.string(), code: z.string(), message: z.string() })),
      counts: counts(FINDING_TYPES).meta({ description: 'Open findings of the run by type.' }),
      transitions: counts(['opened', 'changed', 'escalated', 'resolved']),
      apiCalls: z.record(z.string(), z.looseObject({ calls: z.number().int(), throttled: z.number().int() })),
      error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
    }),
    report: z.looseObject({ s3Uri: z.string(), consoleUrl: z.string().optional() }).optional(),
    truncated: z.boolean().meta({ description: 'True when only the most urgent transitions fit in one SNS message; `report` has them all.' }),
    transitionCount: z.number().int().meta({ description: 'Every transition of the run, carried or not.' }),
    transitionSeverities: counts(SEVERITIES).optional().meta({ description: 'Every transition of the run by severity, carried or not.' }),
    transitions: z.array(transitionMessage).meta({ description: 'Live drift first, worst severity first.' }),
  })
  .meta({ title: 'drift-audit alert', description: 'One run’s alert on the SNS topic: the run and how its findings moved.' });

/*
 * Compile-time guards: the schema names every field of the types it publishes, so a field added to the
 * body cannot go missing from the schema unnoticed.
 */
type Exhaustive<T extends never> = T;
type BodyGuard = [
  Exhaustive<Exclude<keyof RunMessageBody, keyof typeof runMessageBodySchema.shape>>,
  Exhaustive<Exclude<keyof RunMessageBody['run'], keyof typeof runMessageBodySchema.shape.run.shape>>,
  Exhaustive<Exclude<keyof TransitionMessage, keyof typeof transitionMessage.shape>>,
];
export type { BodyGuard as _BodyGuard };

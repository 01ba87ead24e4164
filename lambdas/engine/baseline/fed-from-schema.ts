import { z } from 'zod';

/*
 * The `fed_from` piece of a setting: which SSM parameter feeds the key's env var. Kept apart from
 * `baseline-schema.ts` so the settings schema gains one line for it.
 *
 * SSM parameter names are letters, digits and `_ . -`, in `/`-separated levels, at most 1011
 * characters (AWS: "Requirements and constraints for parameter names").
 */
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/** `fed_from: { ssm: <parameter name, or a path relative to the environment's SSM tree> }`. */
export const fedFromSchema = z
  .strictObject({
    ssm: z
      .string()
      .max(1011, 'an SSM parameter name of at most 1011 characters')
      .regex(PARAMETER_NAME, 'an SSM parameter name such as /production-eu/api/db-url, or a name relative to the environment’s SSM tree such as db-url')
      .describe(
        "The SSM parameter that feeds this env var: a full name (/production-eu/api/db-url) or a name relative to each environment's SSM tree (db-url resolves to /production-eu/api/db-url in production-eu).",
      ),
  })
  .describe(
    'The env var is fed from an SSM parameter (a deploy step or a controller copies it): when the parameter changed and the env var did not, that is drift (a changed finding expecting the parameter’s value). A secret-fed variable (secretKeyRef) has no value to compare: pods started before the parameter last changed are stale. Only for env vars (layer env or no layer).',
  );

/** `fed_from` as written. */
export type FedFromInput = z.infer<typeof fedFromSchema>;

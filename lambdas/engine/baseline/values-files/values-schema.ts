import { z } from 'zod';

/** Values file formats an environment's `values:` entry may name. */
export const VALUES_FORMATS = ['yaml', 'json', 'dotenv', 'helm'] as const;
/** A values file format. */
export type ValuesFormat = (typeof VALUES_FORMATS)[number];

/** The schema pieces the values entry shares with the rest of the baseline format. */
export interface ValuesSchemaPieces {
  readonly keyStyle: z.ZodType<'relative' | 'env'>;
  readonly applicationName: z.ZodType<string>;
}

const VALUES_PATH = /^(?![/\\])(?![A-Za-z]:)(?!.*\\)(?!.*\0).+$/;

/**
 * The `values:` list of an environment: the team's own values files, read as the environment's
 * expected values. Built from the baseline schema's own pieces (a factory rather than an import, so the
 * two modules do not import each other).
 */
export function valuesFilesSchema(pieces: ValuesSchemaPieces) {
  const path = z
    .string()
    .regex(VALUES_PATH, 'a path relative to the baseline directory with "/" separators, such as staging.yaml or ../helm/values-production.yaml')
    .describe(
      'Values file, relative to the baseline directory. ".." may climb out of it, but never out of the repository the baseline lives in (the nearest directory holding .git; without one, the baseline directory).',
    );
  const entry = z
    .strictObject({
      path,
      format: z
        .enum(VALUES_FORMATS)
        .optional()
        .describe('yaml, json, dotenv or helm. Default: from the name (.json -> json, .env -> dotenv, .yaml/.yml -> yaml); helm is never inferred.'),
      key_style: pieces.keyStyle
        .optional()
        .describe(
          'How nested keys become logical keys: relative (database.timeout) or env (DATABASE_TIMEOUT). Default: relative for yaml and json; a helm file is flattened only when this is given.',
        ),
      keys: z
        .record(z.string().min(1, 'a non-empty key'), z.string().min(1, 'a dotted path into the file, such as app.database.timeoutMs'))
        .optional()
        .describe(
          'Explicit mapping KEY: dotted.path.in.the.file (k8s:replicas: replicaCount). With it, only the mapped keys are read unless key_style is also given.',
        ),
      application: pieces.applicationName.optional().describe('The application the keys belong to. Default: none (a shared setting).'),
    })
    .describe('One values file of the environment.');
  return z
    .array(z.union([path, entry]))
    .min(1, 'at least one values file')
    .describe(
      'The team’s own values files holding this environment’s expected values (as settings.KEY.environments.ENV would declare them), lowest precedence first: a later file wins, as with helm -f a -f b (maps merge, lists and scalars are replaced, null removes). The baseline still holds on top: a value that contradicts a declaration or the contract, or that is a secret, is an error at its file and line. baseline accept edits the value in the file that holds it.',
    );
}

import { z } from 'zod';
import { SOURCE_LAYERS, type KeyStyle, type SourceStatus } from '../../engine/model.js';
import { sourceKindNames, sourceKinds } from '../registry.js';
import { parseJsonText } from './parse-structured-text.js';
import { SnapshotFileError } from './snapshot-file-error.js';
import { positionOfPath } from './text-position.js';

/** The `schema` value of the manifest this version reads and the snapshot writer writes. */
export const SNAPSHOT_MANIFEST_SCHEMA = 'drift-audit.snapshot/1';

/** File name of the manifest inside `<snapshot dir>/<environment>/`. */
export const SNAPSHOT_MANIFEST_FILE = 'snapshot.json';

/**
 * `<snapshot dir>/<environment>/snapshot.json`: what the live snapshot writer knew when it wrote the
 * directory. Optional; data files are read without it.
 */
export interface SnapshotManifest {
  readonly schema: typeof SNAPSHOT_MANIFEST_SCHEMA;
  readonly environment: string;
  /** ISO 8601. */
  readonly takenAt?: string;
  /** The SSM prefixes read, so exported names map to keys offline as they did live. */
  readonly ssmPrefixes: readonly { readonly path: string; readonly keyStyle: KeyStyle }[];
  /** Every live source's status; the failed ones are carried into the offline snapshot. */
  readonly sources: readonly SourceStatus[];
}

const sourceStatusSchema = z.object({
  id: z.string().min(1),
  // Checked when read, so a kind registered after this module loaded is known too.
  kind: z.string().refine((name) => sourceKinds.named(name) !== undefined, { message: `expected one of ${sourceKindNames().join(', ')}` }),
  layers: z.array(z.enum(SOURCE_LAYERS)),
  status: z.enum(['ok', 'error']),
  itemCount: z.number().int().nonnegative(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  warnings: z.array(z.string()).optional(),
});

const manifestSchema = z.object({
  schema: z.literal(SNAPSHOT_MANIFEST_SCHEMA),
  environment: z.string().min(1),
  takenAt: z.iso.datetime({ offset: true }).optional(),
  ssmPrefixes: z.array(z.object({ path: z.string().startsWith('/'), keyStyle: z.enum(['relative', 'env']) })).default([]),
  sources: z.array(sourceStatusSchema).default([]),
});

/**
 * Parses and validates a snapshot manifest; all problems are reported at once, the first located.
 * @throws SnapshotFileError `parse-error` or `invalid-manifest`
 */
export function parseSnapshotManifest(text: string, file: string): SnapshotManifest {
  const parsed = manifestSchema.safeParse(parseJsonText(text, file));
  if (parsed.success) {
    const { takenAt, ...rest } = parsed.data;
    const sources: SourceStatus[] = rest.sources.map(({ error, warnings, ...status }) => ({
      ...status,
      ...(error === undefined ? {} : { error }),
      ...(warnings === undefined ? {} : { warnings }),
    }));
    return { ...rest, sources, ...(takenAt === undefined ? {} : { takenAt }) };
  }
  const issues = parsed.error.issues;
  const listed = issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`).join('; ');
  const firstPath = (issues[0]?.path ?? []).filter((step): step is string | number => typeof step !== 'symbol');
  const position = positionOfPath(text, firstPath);
  throw new SnapshotFileError('invalid-manifest', file, `not a ${SNAPSHOT_MANIFEST_SCHEMA} manifest: ${listed}`, {
    ...(position === undefined ? {} : { position }),
  });
}

import { z } from 'zod';
import { applicationNameSchema, keyStyleSchema, sourceLayerSchema } from '../../engine/baseline/baseline-primitives.js';
import type { FileFormat, FileSourceSpec } from '../../engine/model.js';
import { snapshotFormatNames } from '../registry.js';
import type { BaselineSourcePiece } from '../source-kind.js';
import { ssmApplication, ssmPathSchema } from '../ssm/ssm-baseline.js';

/** One `sources.files` entry; `formats` are the registered snapshot formats' names. */
function fileSourceSchemaOf(formats: [string, ...string[]]) {
  return z
    .strictObject({
      path: z
        .string()
        .regex(/^[^/]/, 'a path relative to the snapshot directory, such as production-eu/ssm.json')
        .describe('Snapshot file, relative to the snapshot directory.'),
      format: z.enum(formats).optional().describe('File format. Default: inferred from the name and content.'),
      prefix: ssmPathSchema.optional().describe('SSM path prefix the export was taken under (ssm-export).'),
      key_style: keyStyleSchema.optional().describe('How names become keys. Default: relative.'),
      layer: sourceLayerSchema.optional().describe('Overrides the layer the format implies (dotenv -> env, app-config -> file).'),
      application: applicationNameSchema
        .optional()
        .describe(
          'The application that reads this file (SSM exports, dotenv, app config; Kubernetes files name theirs per workload). Default: as for an SSM tree; for dotenv and app config, the only declared application or the application of the environment’s only SSM tree.',
        ),
    })
    .describe('An exported snapshot file.');
}

type FileSourceSchema = ReturnType<typeof fileSourceSchemaOf>;
let fileSourceSchema: FileSourceSchema | undefined;

type FileSourceInput = z.infer<FileSourceSchema>;

/** `sources.files`: exported snapshot files, each read by an application. */
export const filesBaseline: BaselineSourcePiece<FileSourceSpec> = {
  section: 'files',
  description: 'Snapshot files (offline audits).',
  // Built when the baseline schema is (after every kind module has loaded), so it lists every registered format.
  get entry() {
    fileSourceSchema ??= fileSourceSchemaOf(snapshotFormatNames());
    return fileSourceSchema;
  },
  normalise(entries, { environment, declaredApplications, workloadApplications, parameterTreeApplications }) {
    // Entries the schema above accepted.
    const files = entries as readonly FileSourceInput[];
    // The SSM trees of the environment, read live or from exports: a config file is read by their application.
    const treeApplications = new Set(parameterTreeApplications);
    for (const file of files) if (file.prefix !== undefined) treeApplications.add(file.application ?? ssmApplication(file.prefix, environment));
    treeApplications.delete(undefined);
    const onlyTreeApplication = treeApplications.size === 1 ? [...treeApplications][0] : undefined;
    return files.map((file): FileSourceSpec => {
      // A file read by the application of the environment's only SSM tree (its config file), else by the
      // only declared application; an SSM export by the application its prefix names.
      const application =
        file.application ??
        (file.prefix !== undefined
          ? ssmApplication(file.prefix, environment)
          : (onlyTreeApplication ?? (declaredApplications.length === 1 ? declaredApplications[0] : undefined)));
      return {
        kind: 'file',
        path: file.path,
        keyStyle: file.key_style ?? 'relative',
        // The schema accepted only registered formats' names.
        ...(file.format === undefined ? {} : { format: file.format as FileFormat }),
        ...(file.prefix === undefined ? {} : { prefix: file.prefix }),
        ...(file.layer === undefined ? {} : { layer: file.layer }),
        ...(application === undefined ? {} : { application }),
        ...(workloadApplications === undefined ? {} : { workloadApplications }),
      };
    });
  },
};

import { z } from 'zod';
import { applicationNameSchema, keyStyleSchema, regionSchema } from '../../engine/baseline/baseline-primitives.js';
import type { SsmSourceSpec } from '../../engine/model.js';
import type { BaselineSourcePiece } from '../source-kind.js';

/** An SSM path prefix as a baseline writes it (also the `prefix` of an SSM export file). */
export const ssmPathSchema = z
  .string()
  .regex(/^\/(?:[A-Za-z0-9_.-]+\/)*$/, 'an SSM path that starts and ends with "/", such as /production-eu/api/')
  .describe('SSM Parameter Store path prefix, with leading and trailing slash: /production-eu/api/.');

const ssmSourceSchema = z
  .union([
    ssmPathSchema,
    z
      .strictObject({
        path: ssmPathSchema,
        key_style: keyStyleSchema.optional().describe('How parameter names become keys. Default: relative.'),
        region: regionSchema.optional().describe("Region of the parameters. Default: the environment's region."),
        application: applicationNameSchema
          .optional()
          .describe(
            'The application that reads this tree. Default: the only declared application, else the last segment of the path (/production/cartservice/ -> cartservice).',
          ),
      })
      .describe('An SSM Parameter Store tree.'),
  ])
  .describe('An SSM Parameter Store tree: a path such as /production-eu/api/, or a mapping with path, key_style, region.');

type SsmSourceInput = z.infer<typeof ssmSourceSchema>;

/**
 * The application an SSM tree belongs to when its source does not say: the path's last segment that
 * does not name the environment or its tier, so `/production/cartservice/` and `/cartservice/production/`
 * are both `cartservice` (staging's tree then meets production's under one name). Never "the only
 * declared application": declaring a first application must not move every other tree into it.
 */
export function ssmApplication(path: string, environment: { readonly name: string; readonly tier: string }): string | undefined {
  const names = new Set([environment.name.toLowerCase(), environment.tier.toLowerCase()]);
  const segments = path.split('/').filter((segment) => segment !== '' && !names.has(segment.toLowerCase()));
  return segments.at(-1);
}

/** `sources.ssm`: a path (key style relative) or a mapping. */
export const ssmBaseline: BaselineSourcePiece<SsmSourceSpec> = {
  section: 'ssm',
  description: 'SSM Parameter Store trees.',
  entry: ssmSourceSchema,
  normalise(entries, { environment }) {
    // Entries the schema above accepted.
    return (entries as readonly SsmSourceInput[]).map((ssm): SsmSourceSpec => {
      const path = typeof ssm === 'string' ? ssm : ssm.path;
      const application = (typeof ssm === 'string' ? undefined : ssm.application) ?? ssmApplication(path, environment);
      const labelled = application === undefined ? {} : { application };
      return typeof ssm === 'string'
        ? { kind: 'ssm', path: ssm, keyStyle: 'relative', ...labelled }
        : { kind: 'ssm', path: ssm.path, keyStyle: ssm.key_style ?? 'relative', ...(ssm.region === undefined ? {} : { region: ssm.region }), ...labelled };
    });
  },
};

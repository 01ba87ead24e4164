import { AmbiguousApplicationError, type Explanation, explain, UnknownApplicationError } from '../../lambdas/engine/analyse/explain.js';
import { renderExplanationJson, renderExplanationTerminal } from '../../lambdas/sinks/report/render-explanation.js';
import { wantsColor, type CliIo } from './cli-io.js';
import { audit, type ScanOptions } from './scan-command.js';
import type { OptionSpecs } from './option-spec.js';
import { UsageError } from './usage-error.js';

/** The flags of `explain` besides the common ones. */
export const EXPLAIN_FLAGS = {
  env: { type: 'string', short: 'e', valueName: 'ENV', description: 'the environment to explain the key in (required)' },
  app: { type: 'string', short: 'a', valueName: 'APP', description: 'the application whose key it is, when several read it' },
  json: { type: 'boolean', default: false, description: 'the explanation as JSON' },
} as const satisfies OptionSpecs;

/** Options of `drift-audit explain KEY --env E`. */
export interface ExplainOptions extends Omit<ScanOptions, 'format' | 'failOn' | 'output' | 'verbose'> {
  readonly key: string;
  readonly environment: string;
  /** The application whose key it is, when several read it (`--app`). */
  readonly application?: string;
  readonly json: boolean;
}

/**
 * `drift-audit explain`: every source's value for one key in one environment, the precedence, the
 * effective value and who changed what: the seed's "hours of debugging in minutes".
 */
export async function runExplain(io: CliIo, options: ExplainOptions): Promise<number> {
  const outcome = await audit(io, options);
  const known = outcome.loaded.baseline.environments.map((env) => env.name);
  if (!known.includes(options.environment)) {
    throw new UsageError(`unknown environment ${options.environment} (expected one of ${known.join(', ')})`);
  }
  let explanation: Explanation;
  try {
    explanation = explain({
      baseline: outcome.loaded.baseline,
      snapshots: outcome.snapshots,
      now: outcome.now,
      environment: options.environment,
      key: options.key,
      ...(options.application === undefined ? {} : { application: options.application }),
    });
  } catch (error) {
    if (error instanceof AmbiguousApplicationError || error instanceof UnknownApplicationError) throw new UsageError(error.message);
    throw error;
  }
  const text = options.json ? renderExplanationJson(explanation) : renderExplanationTerminal(explanation, { color: wantsColor(io, options.color) });
  io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return 0;
}

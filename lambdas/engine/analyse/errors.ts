/**
 * Thrown by `analyse` and `explain` when a snapshot or a request names an environment the baseline
 * does not declare. Carries the known names so the CLI can list them.
 */
export class UnknownEnvironmentError extends Error {
  override readonly name = 'UnknownEnvironmentError';
  readonly code = 'UNKNOWN_ENVIRONMENT';
  readonly environment: string;
  readonly known: readonly string[];

  constructor(environment: string, known: readonly string[], options?: { cause?: unknown }) {
    const list = known.length === 0 ? 'the baseline declares none' : `known environments: ${known.join(', ')}`;
    super(`unknown environment ${environment}: ${list}`, options);
    this.environment = environment;
    this.known = known;
  }
}

/**
 * Wording shared by the live sources where they turn a thrown error into an `error` status: the one
 * place every failure passes on its way to findings, reports, history, SNS and Slack.
 */

/**
 * Why a read cut by its caller's signal stopped: the deadline (`AbortSignal.timeout`, whose reason is a
 * `TimeoutError`) or any other abort. Whatever the transport threw on the way out (a reset socket, an
 * AbortError) is beside the point.
 */
export function abortedReadMessage(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  const timedOut = typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
  return timedOut ? 'the read did not finish before its deadline and was stopped' : 'the read was aborted';
}

/**
 * The one line an error status may carry for an error no source anticipated: its class name only.
 * Its message is not shown because nothing says what it quotes (a parser's message quotes the body
 * it failed on, and a body can hold a secret value).
 */
export function unexpectedErrorLabel(error: unknown): string {
  const name = error instanceof Error && error.name !== '' ? error.name : typeof error;
  return `${name} (unexpected error; its message is withheld because it may quote a response)`;
}

// Types only (see budget-middleware.ts).
import type { AbsoluteLocation, DeserializeHandlerOptions, DeserializeMiddleware, MiddlewareStack, Pluggable } from '@smithy/types';

/**
 * Bounds one attempt of an SDK call, body included.
 *
 * The Node handler's `requestTimeout` stops counting when the response headers arrive (the handler
 * resolves there; aws/aws-sdk-js-v3#8098), and its `socketTimeout` is an idle timeout that a server
 * dripping one byte every few seconds never trips. So an answer whose headers came in time could keep
 * a read waiting forever. This middleware sits between the deserializer and the handler, inside the
 * retry loop: when the headers arrive it gives the body what is left of the attempt's deadline, and
 * destroys the body stream with a `TimeoutError` when that runs out. The SDK's retry policy treats the
 * error as transient, as it treats its own timeouts.
 */
export const responseDeadlineMiddlewareOptions: DeserializeHandlerOptions & AbsoluteLocation & { name: string; override: boolean } = {
  step: 'deserialize',
  // Below the deserializer (normal priority): it sees the raw response before the body is read.
  priority: 'low',
  name: 'driftAuditResponseDeadline',
  override: true,
};

/** A body that can be cut: a Node `IncomingMessage`, as the Node handler returns. */
interface DestroyableBody {
  destroy(error?: Error): unknown;
  once(event: 'end' | 'close', listener: () => void): unknown;
  readonly readableEnded?: boolean;
}

function isDestroyableBody(body: unknown): body is DestroyableBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { destroy?: unknown }).destroy === 'function' &&
    typeof (body as { once?: unknown }).once === 'function'
  );
}

/** The body of an answer did not arrive within the attempt's deadline. */
function bodyDeadlineError(deadlineMs: number): Error {
  // Named as the SDK names its own timeouts, so its retry policy and our classification agree.
  return Object.assign(new Error(`the answer did not arrive in full within the ${deadlineMs} ms request deadline`), { name: 'TimeoutError' });
}

/** The middleware; `deadlineMs` should equal the handler's `requestTimeout`, which bounds the wait for headers. */
export function responseDeadlineMiddleware<I extends object, O extends object>(
  deadlineMs: number,
  now: () => number = performance.now.bind(performance),
): DeserializeMiddleware<I, O> {
  return (next) => async (args) => {
    const started = now();
    const result = await next(args);
    const body = (result.response as { body?: unknown } | undefined)?.body;
    if (isDestroyableBody(body) && body.readableEnded !== true) {
      const left = Math.max(0, deadlineMs - (now() - started));
      const timer = setTimeout(() => body.destroy(bodyDeadlineError(deadlineMs)), left);
      const done = (): void => clearTimeout(timer);
      body.once('end', done);
      body.once('close', done);
    }
    return result;
  };
}

/** A plugin form, for `client.middlewareStack.use(...)` and credential providers' `clientPlugins`. */
export function responseDeadlinePlugin<I extends object, O extends object>(deadlineMs: number): Pluggable<I, O> {
  return {
    applyToStack: (stack: MiddlewareStack<I, O>) => {
      stack.add(responseDeadlineMiddleware<I, O>(deadlineMs), responseDeadlineMiddlewareOptions);
    },
  };
}

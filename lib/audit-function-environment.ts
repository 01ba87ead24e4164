/**
 * The construct library's path to the function contract. The contract itself is runtime code
 * (`lambdas/runtime/function-environment.ts`): the handlers never import `lib/`, the stack imports it.
 */
export * from '../lambdas/runtime/function-environment.js';

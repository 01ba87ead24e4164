/** Shared AWS plumbing for the live sources: client factory, per-region request budget, call counting, errors. */
export { ApiCallCounter, mergeApiCallStats } from './api-call-counter.js';
export {
  AwsClientFactory,
  type AwsClientFactoryOptions,
  type AwsClientOverrides,
  type AwsServiceName,
  type AwsTarget,
} from './aws-client-factory.js';
export { AwsReadError, classifyAwsError, describeAwsError, isThrottlingError, type AwsFailureCode } from './aws-read-error.js';
export { budgetMiddleware, budgetMiddlewareOptions, budgetPlugin, type BudgetMiddlewareOptions } from './budget-middleware.js';
export { MalformedResponseError, asMalformedResponse, isUnparsableResponse } from './malformed-response-error.js';
export { responseDeadlineMiddleware, responseDeadlineMiddlewareOptions, responseDeadlinePlugin } from './response-deadline.js';
export {
  DEFAULT_REQUEST_RATES,
  RequestBudget,
  SSM_ASSUMED_DESCRIBE_QUOTA_TPS,
  SSM_DEFAULT_GET_QUOTA_TPS,
  SSM_DESCRIBE_GROUP,
  SSM_GET_GROUP,
  operationGroup,
  systemBudgetClock,
  type BudgetClock,
  type RequestBudgetOptions,
} from './request-budget.js';

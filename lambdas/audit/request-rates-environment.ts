import { AUDIT_FUNCTION_ENV } from '../runtime/function-environment.js';
import { parseRequestRate, ssmRequestRates } from '../sources/aws/request-budget.js';

/**
 * The SSM budget the stack configured: each quota group from its variable. The construct checks both
 * at synth, so a bad value here means the variables were edited by hand: fail the run naming the
 * variable rather than pace at a rate nobody chose. Shared by the audit function and the fan-out's
 * collector, which the construct gives the same variables.
 */
export function ssmRequestRatesFromEnvironment(env: NodeJS.ProcessEnv): Readonly<Record<string, number>> {
  const knob = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const parsed = parseRequestRate(raw, `environment variable ${name}`);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.rate;
  };
  const get = knob(AUDIT_FUNCTION_ENV.ssmRequestsPerSecond);
  const describe = knob(AUDIT_FUNCTION_ENV.ssmDescribeRequestsPerSecond);
  return ssmRequestRates({ ...(get === undefined ? {} : { get }), ...(describe === undefined ? {} : { describe }) });
}

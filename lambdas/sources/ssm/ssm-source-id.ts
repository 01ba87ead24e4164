import { normaliseSsmPrefix } from './ssm-observations.js';

/** The stable source id: `ssm:eu-west-1:/production-eu/api/`. */
export function ssmSourceId(region: string, path: string): string {
  return `ssm:${region}:${normaliseSsmPrefix(path)}`;
}

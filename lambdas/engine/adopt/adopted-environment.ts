import type { KeyStyle } from '../model.js';

/** One environment as `init` declares it: named, tiered, and where its configuration lives. */
export interface AdoptedEnvironment {
  readonly name: string;
  readonly tier: string;
  /** The tier came from the environment's name (or was the name itself), not from the user. */
  readonly tierInferred: boolean;
  readonly region?: string;
  readonly ssm: readonly { readonly path: string; readonly keyStyle: KeyStyle }[];
  readonly eks: readonly { readonly cluster: string; readonly namespaces: readonly string[] }[];
}

const MiB = 1024 * 1024;

/**
 * What a baseline may hold before the parser refuses it, so a hostile or runaway file (a bad merge, a
 * generated file gone wrong, a hand edit in the bucket) fails with a located error instead of
 * exhausting the stack, the memory or the time of the CLI and the Lambda.
 *
 * Bytes are checked before the YAML library sees the text; nodes are counted by its lexer before any
 * tree is built, because memory follows nodes, not bytes (2 MiB of `[1,1,1,...]` took 1 GB and 11 s to
 * compose, where 2 MiB of ordinary settings take a tenth of that). Each limit is far above what a real
 * baseline needs: 200,000 nodes are some 40,000 settings.
 */
export const BASELINE_LIMITS = {
  /** UTF-8 bytes of one baseline file. */
  fileBytes: 5 * MiB,
  /** UTF-8 bytes of all the files of one baseline together. */
  bundleBytes: 10 * MiB,
  /** YAML nodes (keys, values, list items, counting what aliases repeat) of all the files together. */
  nodes: 200_000,
  /** Mappings and lists nested in one another, counting what aliases repeat. */
  depth: 64,
  /** Aliases (`*name`) of one file, each counted with the aliases inside what it repeats. */
  aliases: 100,
} as const;

/** The limits' shape, for callers (and tests) that pass other numbers. */
export type BaselineLimits = { readonly [K in keyof typeof BASELINE_LIMITS]: number };

/**
 * Bytes of a baseline bundle object (the JSON the stack uploads): JSON escaping at most doubles
 * well-formed YAML (the only control characters YAML allows, tab, CR and LF, take two characters each,
 * as do `"` and `\`), plus room for the envelope and the file names. A larger object cannot hold a
 * baseline within {@link BASELINE_LIMITS.bundleBytes}, so it is refused before `JSON.parse`.
 */
export function bundleObjectLimit(limits: Pick<BaselineLimits, 'bundleBytes'> = BASELINE_LIMITS): number {
  return 2 * limits.bundleBytes + MiB;
}

/** `5 MiB`, `12.4 MiB`, `800 KiB`, `512 bytes`: sizes as people read them. */
export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${trim(bytes / MiB)} MiB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

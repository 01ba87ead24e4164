import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readBaselineFiles } from '../../lambdas/baseline/load-baseline-dir.js';
import { ADOPTED_BASELINE_FILE, adoptBaseline, environmentsBaseline } from '../../lambdas/engine/adopt/adopt-baseline.js';
import type { AdoptedEnvironment } from '../../lambdas/engine/adopt/adopted-environment.js';
import { inferTier } from '../../lambdas/engine/adopt/infer-tier.js';
import { updateAdoptedBaseline } from '../../lambdas/engine/adopt/update-adopted-baseline.js';
import type { KeyStyle, Snapshot } from '../../lambdas/engine/model.js';
import { readSnapshots } from '../../lambdas/sources/files/snapshot-dir.js';
import { resolvePath } from './audit-inputs.js';
import type { CliIo } from './cli-io.js';
import { collectLiveForCli, type LiveOptions } from './live.js';
import type { OptionSpecs } from './option-spec.js';
import { plural } from '../../lambdas/sinks/report/report-view.js';
import { unreadSummary } from './scan-command.js';
import { EXIT, UsageError } from './usage-error.js';

/** The flags of `init` besides the common ones. */
export const INIT_FLAGS = {
  env: {
    type: 'string',
    multiple: true,
    valueName: 'SPEC',
    description: 'NAME[:tier=T,region=R,ssm=/path/,eks=cluster/namespace] (repeatable; tier inferred from names like staging-*, production-*, prod-*)',
  },
  'key-style': {
    type: 'string',
    valueName: 'STYLE',
    choices: ['env', 'relative'],
    default: 'env',
    description: 'how SSM names become keys (env: /app/db/timeout -> DB_TIMEOUT)',
  },
  update: {
    type: 'boolean',
    default: false,
    description: 'add new keys and environments to the baseline in BASELINE_DIR, keeping everything written there; a second run changes nothing',
  },
  'allow-partial': {
    type: 'boolean',
    default: false,
    description: 'exit 0 even when a source could not be read (the baseline then declares only what was read)',
  },
} as const satisfies OptionSpecs;

/** Options of `drift-audit init`. */
export interface InitOptions extends LiveOptions {
  readonly baselineDir: string;
  readonly snapshots?: string;
  readonly live: boolean;
  /** `--env` values: `name[:tier=T,region=R,ssm=/path/,eks=cluster/namespace]`. */
  readonly environments: readonly string[];
  /** `--update`: add new keys and environments to an existing baseline. @default false */
  readonly update: boolean;
  /** How SSM names become keys. @default 'env' */
  readonly keyStyle: KeyStyle;
  /** `--allow-partial`: exit 0 when a source could not be read. @default false */
  readonly allowPartial?: boolean;
  readonly now?: Date;
}

/**
 * `drift-audit init`: writes a baseline from what runs (a snapshot directory, or a live read of the
 * environments named with `--env`), or with `--update` adds to one what it does not declare yet.
 * A source that could not be read (an export cut off mid-write) is listed for review and on stderr,
 * and the command exits {@link EXIT.incomplete} as `snapshot` does: the baseline it wrote declares
 * only what was read, so a tier's values may come from one region alone.
 */
export async function runInit(io: CliIo, options: InitOptions): Promise<number> {
  const dir = resolvePath(io, options.baselineDir);
  const occupied = existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0;
  if (occupied && !options.update) {
    throw new UsageError(
      `${options.baselineDir} is not empty: init writes a new baseline only into an empty directory (pass --update to add what is new to the baseline there)`,
    );
  }
  if (!occupied && options.update) throw new UsageError(`${options.baselineDir} holds no baseline to update: run init without --update first`);
  const now = options.now ?? io.now();
  const environments = await environmentsOf(io, options);
  const snapshots = options.live
    ? await collectLiveForCli(io, environmentsBaseline(environments), options)
    : await readSnapshots(environmentsBaseline(environments), resolvePath(io, options.snapshots as string));
  if (options.update) return partialExit(io, options, snapshots, update(io, dir, options, environments, snapshots, now));
  const adopted = adoptBaseline(environments, snapshots, now);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ADOPTED_BASELINE_FILE), adopted.text);
  const keys = [...adopted.proposal.applications.values()].reduce((sum, list) => sum + list.length, 0);
  io.stdout(
    `wrote ${join(options.baselineDir, ADOPTED_BASELINE_FILE)}: ${environments.length} environments, ${keys} keys, ${plural(adopted.review.length, 'finding')} for review\n`,
  );
  for (const finding of adopted.review) io.stdout(`  review: ${finding.id}\n`);
  return partialExit(io, options, snapshots, EXIT.clean);
}

/** `code`, unless a source could not be read: then the unread sources go to stderr and init exits 3 (0 with --allow-partial). */
function partialExit(io: CliIo, options: InitOptions, snapshots: readonly Snapshot[], code: number): number {
  const sources = snapshots.flatMap((snapshot) => snapshot.sources);
  const failed = sources.filter((source) => source.status === 'error');
  if (failed.length === 0 || code !== EXIT.clean) return code;
  for (const source of failed) io.stderr(`  not read: ${source.id}: ${source.error?.message ?? 'unknown error'}\n`);
  if (options.allowPartial === true) {
    io.stderr(`drift-audit: partial read allowed (--allow-partial): ${unreadSummary(sources)}; the baseline declares only what was read\n`);
    return EXIT.clean;
  }
  io.stderr(
    `drift-audit: incomplete read, exit ${EXIT.incomplete}: ${unreadSummary(sources)}; the baseline declares only what was read. ` +
      'Fix the export and run init --update, or pass --allow-partial to accept it\n',
  );
  return EXIT.incomplete;
}

function update(io: CliIo, dir: string, options: InitOptions, environments: readonly AdoptedEnvironment[], snapshots: readonly Snapshot[], now: Date): number {
  const files = readBaselineFiles(dir);
  const target = files.find((file) => file.name === ADOPTED_BASELINE_FILE) ?? files.find((file) => /^environments:/m.test(file.text)) ?? files[0];
  if (target === undefined) throw new UsageError(`${options.baselineDir} holds no baseline file to update`);
  const others = files.filter((file) => file !== target);
  const result = updateAdoptedBaseline({ file: target, others, environments, snapshots, now });
  if (result.text === target.text) {
    io.stdout(`${join(options.baselineDir, target.name)}: nothing new (no key or environment the baseline does not declare)\n`);
    return EXIT.clean;
  }
  writeFileSync(join(dir, target.name), result.text);
  io.stdout(
    `updated ${join(options.baselineDir, target.name)}: ${result.addedEnvironments.length} environments and ${result.addedKeys} keys added, ${plural(result.review.length, 'finding')} for review\n`,
  );
  return EXIT.clean;
}

/** The environments to adopt: from `--env`, else (offline) the snapshot directory's subdirectories. */
async function environmentsOf(io: CliIo, options: InitOptions): Promise<AdoptedEnvironment[]> {
  if (options.live && options.environments.length === 0) {
    throw new UsageError('init --live needs at least one --env NAME:ssm=/path/,eks=cluster/namespace (the environments to read)');
  }
  if (!options.live && options.snapshots === undefined) throw new UsageError('init needs --snapshots DIR (exported state) or --live with --env');
  const given = options.environments.map((text) => parseEnvFlag(text, options.keyStyle));
  if (options.live) return given;
  const snapshotDir = resolvePath(io, options.snapshots as string);
  let names: string[];
  try {
    names = readdirSync(snapshotDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    throw new UsageError(`cannot read the snapshot directory ${options.snapshots}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  }
  if (names.length === 0) throw new UsageError(`${options.snapshots} holds no environment directories (<snapshots>/<environment>/...)`);
  return names.map((name) => {
    const declared = given.find((env) => env.name === name);
    if (declared !== undefined && declared.ssm.length > 0) return declared;
    const ssm = ssmPrefixesOf(join(snapshotDir, name)).map((path) => ({ path, keyStyle: options.keyStyle }));
    return { ...(declared ?? defaultEnvironment(name)), ssm };
  });
}

function defaultEnvironment(name: string): AdoptedEnvironment {
  const inferred = inferTier(name);
  return { name, tier: inferred ?? name, tierInferred: true, ssm: [], eks: [] };
}

/**
 * `production-us:tier=production,region=us-east-1,ssm=/production-us/api/,eks=prod-us/api`: the
 * environment's name, then its tier (else inferred from the name), region, SSM paths and clusters
 * (`cluster/namespace`; `ssm` and `eks` may repeat).
 */
export function parseEnvFlag(text: string, keyStyle: KeyStyle): AdoptedEnvironment {
  const [name, rest = ''] = splitOnce(text, ':');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UsageError(`--env ${text}: the environment name must be lowercase letters, digits and "-"`);
  let tier: string | undefined;
  let region: string | undefined;
  const ssm: { path: string; keyStyle: KeyStyle }[] = [];
  const eks: { cluster: string; namespaces: string[] }[] = [];
  for (const part of rest === '' ? [] : rest.split(',')) {
    const [field, value] = splitOnce(part, '=');
    if (value === undefined || value === '') throw new UsageError(`--env ${text}: ${part} needs a value (field=value)`);
    if (field === 'tier') tier = value;
    else if (field === 'region') region = value;
    else if (field === 'ssm') ssm.push({ path: value.endsWith('/') ? value : `${value}/`, keyStyle });
    else if (field === 'eks') {
      // One source per cluster: `eks=prod/api,eks=prod/payments` reads both namespaces of prod.
      const [cluster, namespace] = splitOnce(value, '/');
      const namespaces = namespace === undefined || namespace === '' ? [] : [namespace];
      const seen = eks.find((entry) => entry.cluster === cluster);
      if (seen === undefined) eks.push({ cluster, namespaces });
      else seen.namespaces.push(...namespaces);
    } else throw new UsageError(`--env ${text}: unknown field ${field} (expected tier, region, ssm or eks)`);
  }
  const inferred = tier ?? inferTier(name);
  return { name, tier: inferred ?? name, tierInferred: tier === undefined, ...(region === undefined ? {} : { region }), ssm, eks };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * The SSM trees an environment's exported parameters live under, one per application, as the
 * `/<environment>/<application>/...` convention lays them out: a name's first two segments
 * (`/production-us/api/payment/timeout` -> `/production-us/api/`); a name of two segments, its first
 * (`/production-us/DB_HOST` -> `/production-us/`). Read from any JSON file shaped as `aws ssm
 * get-parameters-by-path` or `describe-parameters` print (`{"Parameters": [{"Name": ...}]}`).
 */
function ssmPrefixesOf(envDir: string): string[] {
  const prefixes = new Set<string>();
  for (const file of readdirSync(envDir)) {
    if (!file.endsWith('.json')) continue;
    let parsed: { Parameters?: { Name?: unknown }[] };
    try {
      parsed = JSON.parse(readFileSync(join(envDir, file), 'utf8')) as typeof parsed;
    } catch {
      // Not JSON: the snapshot reader reports the file's problem on scan.
      continue;
    }
    for (const parameter of Array.isArray(parsed.Parameters) ? parsed.Parameters : []) {
      if (typeof parameter.Name !== 'string' || !parameter.Name.startsWith('/')) continue;
      const segments = parameter.Name.split('/').slice(1, -1);
      if (segments.length > 0) prefixes.add(`/${segments.slice(0, 2).join('/')}/`);
    }
  }
  // A tree inside another (`/production-us/` beside `/production-us/api/`) is read by the outer one.
  return [...prefixes].filter((prefix) => ![...prefixes].some((other) => other !== prefix && prefix.startsWith(other))).sort();
}

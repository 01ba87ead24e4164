/**
 * What installing the package costs: the tarball, a fresh install of the CLI alone, and of the construct
 * with its peers (aws-cdk-lib, constructs), as `du` of each `node_modules`, with the install's wall time
 * (from the npm cache, `--prefer-offline`), and the prebuilt handler bundles the construct deploys.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The figures of one run. */
export interface PackageSizeFigures {
  readonly tarballKB: number;
  readonly files: number;
  readonly cliInstallMB: number;
  readonly cliInstallSeconds: number;
  readonly cliPackages: number;
  readonly constructInstallMB: number;
  readonly constructInstallSeconds: number;
  readonly handlerBundlesKB: Readonly<Record<string, number>>;
}

function sh(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

function duMB(dir: string): number {
  return Number(sh('du', ['-sk', dir], REPO).split('\t')[0]) / 1024;
}

function install(dir: string, specs: readonly string[]): number {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "name": "bench-install", "private": true }\n');
  const started = performance.now();
  sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...specs], dir);
  return (performance.now() - started) / 1000;
}

/** Packs the package and installs it twice in fresh directories. */
export function runPackageSizeBench(): PackageSizeFigures {
  const work = mkdtempSync(join(tmpdir(), 'drift-audit-size-'));
  try {
    const packed = sh('npm', ['pack', '--pack-destination', work, '--json'], REPO);
    const [info] = JSON.parse(packed.slice(packed.indexOf('['))) as [{ filename: string; size: number; entryCount: number }];
    const tarball = join(work, info.filename);
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const cliSeconds = install(join(work, 'cli'), [tarball]);
    const constructSeconds = install(join(work, 'app'), [
      tarball,
      `aws-cdk-lib@${manifest.devDependencies['aws-cdk-lib']}`,
      `constructs@${manifest.devDependencies.constructs}`,
    ]);
    const assets = join(work, 'cli', 'node_modules', 'drift-audit', 'dist', 'lambda-assets');
    const handlerBundlesKB = Object.fromEntries(readdirSync(assets).map((name) => [name, statSync(join(assets, name, 'index.mjs')).size / 1024]));
    const cliPackages = Object.keys((JSON.parse(readFileSync(join(work, 'cli', 'package-lock.json'), 'utf8')) as { packages: object }).packages).length - 1;
    return {
      tarballKB: info.size / 1024,
      files: info.entryCount,
      cliInstallMB: duMB(join(work, 'cli', 'node_modules')),
      cliInstallSeconds: cliSeconds,
      cliPackages,
      constructInstallMB: duMB(join(work, 'app', 'node_modules')),
      constructInstallSeconds: constructSeconds,
      handlerBundlesKB,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The figures as the bench prints them. */
export function formatPackageSizeBench(figures: PackageSizeFigures): string {
  const bundles = Object.entries(figures.handlerBundlesKB)
    .map(([name, kb]) => `${name} ${kb.toFixed(0)} kB`)
    .join(', ');
  return [
    '== package: npm pack, then fresh installs (npm cache, --prefer-offline) ==',
    `tarball             ${figures.tarballKB.toFixed(0)} kB, ${figures.files} files`,
    `CLI alone           ${figures.cliInstallMB.toFixed(0)} MB node_modules, ${figures.cliPackages} packages, ${figures.cliInstallSeconds.toFixed(1)} s`,
    `with aws-cdk-lib    ${figures.constructInstallMB.toFixed(0)} MB node_modules, ${figures.constructInstallSeconds.toFixed(1)} s`,
    `handler bundles     ${bundles} (minified, all dependencies inside)`,
  ].join('\n');
}

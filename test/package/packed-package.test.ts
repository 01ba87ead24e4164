// The package as users get it: `npm pack`, installed into a fresh CDK app next to aws-cdk-lib and
// constructs, synthesizing a stack with `new DriftAuditor(...)` and running `npx drift-audit`.
// It installs from the npm cache (`--prefer-offline`); install sizes and times are printed by
// `npm run bench -- --only package`.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
const TIMEOUT = 240_000;

interface Template {
  readonly Resources: Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    // No notices, telemetry or metadata lookups; the app runs with whatever credentials none.
    env: { ...process.env, NO_COLOR: '1', CDK_DISABLE_VERSION_CHECK: '1', AWS_EC2_METADATA_DISABLED: 'true', npm_config_update_notifier: 'false' },
    timeout: TIMEOUT,
  });
}

function ok(result: SpawnSyncReturns<string>, what: string): string {
  expect(result.status, `${what} failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

describe('Package: the packed tarball in a fresh CDK app', () => {
  let work: string;
  let app: string;
  let tarball: string;
  let installedAlone: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'drift-audit-pack-'));
    app = join(work, 'app');
    // `npm pack` runs prepack (`npm run build:package`): the tarball holds what a release would.
    const packed = ok(run('npm', ['pack', '--pack-destination', work, '--json'], REPO), 'npm pack');
    const [{ filename }] = JSON.parse(packed.slice(packed.indexOf('['))) as [{ filename: string }];
    tarball = join(work, filename);

    cpSync(join(REPO, 'config'), join(app, 'config'), { recursive: true });
    writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }, null, 2)}\n`);
    ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], app), 'npm install');
    // What npm installed for the package alone, before the app adds the CDK.
    installedAlone = readdirSync(join(app, 'node_modules'));
    // The app's CDK: the versions this repository pins, linked from its node_modules rather than
    // extracted again (260 MB, most of this test's time otherwise). Node resolves a link by its real
    // path, so aws-cdk-lib and the package share one copy of constructs, as in an installed app.
    for (const peer of ['aws-cdk-lib', 'constructs']) {
      const version = (JSON.parse(readFileSync(join(REPO, 'node_modules', peer, 'package.json'), 'utf8')) as { version: string }).version;
      expect(version).toBe(manifest.devDependencies[peer]);
      symlinkSync(join(REPO, 'node_modules', peer), join(app, 'node_modules', peer), 'dir');
    }
  }, TIMEOUT);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }, TIMEOUT);

  it('ships compiled JavaScript, declarations, the prebuilt handlers and the licence, and no TypeScript sources', () => {
    // Act
    const listed = ok(run('tar', ['-tzf', tarball], work), 'tar -tzf').split('\n');

    // Assess
    expect(listed).toEqual(
      expect.arrayContaining([
        'package/LICENSE',
        'package/dist/drift-audit.mjs',
        'package/dist/lib/index.js',
        'package/dist/lib/index.d.ts',
        'package/dist/lambdas/engine/index.js',
        'package/dist/lambdas/engine/index.d.ts',
        'package/dist/lambda-assets/audit/index.mjs',
        'package/dist/lambda-assets/notify-slack/index.mjs',
      ]),
    );
    expect(listed.filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))).toEqual([]);
  });

  it('synthesizes a stack with new DriftAuditor(...) whose functions deploy the prebuilt handlers', () => {
    // Prepare: an app as a user writes it, nothing but the package's public entry point.
    writeFileSync(
      join(app, 'app.mjs'),
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "import { DriftAuditor, auditScopeFromBaseline, loadBaselineDir } from 'drift-audit';",
        "const loaded = loadBaselineDir('config');",
        "if (!loaded.ok) throw new Error('the demo baseline is invalid');",
        "const app = new App({ outdir: 'cdk.out' });",
        "const stack = new Stack(app, 'ConsumerStack', { env: { account: '123456789012', region: 'eu-west-1' } });",
        'new DriftAuditor(stack, "DriftAuditor", {',
        '  scope: auditScopeFromBaseline(loaded.baseline),',
        "  baselineDirectory: 'config',",
        '  baselineFiles: loaded.files,',
        "  slackWebhookSecretName: 'drift-audit/slack',",
        '});',
        'app.synth();',
        '',
      ].join('\n'),
    );

    // Act
    ok(run(process.execPath, ['app.mjs'], app), 'node app.mjs');

    // Assess
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'ConsumerStack.template.json'), 'utf8')) as Template;
    const functions = Object.values(template.Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function' && String(resource.Properties?.Description).startsWith('drift-audit:'),
    );
    expect(functions.map((fn) => [fn.Properties?.Handler, fn.Properties?.Runtime, fn.Properties?.Architectures])).toEqual([
      ['index.handler', 'nodejs24.x', ['arm64']],
      ['index.handler', 'nodejs24.x', ['arm64']],
    ]);
    // The function's S3 key names the asset; the asset manifest says which directory it zips.
    const assets = JSON.parse(readFileSync(join(app, 'cdk.out', 'ConsumerStack.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const assetDirs = functions.map((fn) => {
      const key = String((fn.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key);
      const asset = assets.files[key.replace(/\.zip$/, '')];
      expect(asset?.source.packaging).toBe('zip');
      return join(app, 'cdk.out', String(asset?.source.path));
    });
    for (const dir of assetDirs) {
      expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toMatch(/export\s*\{[^}]*as handler/);
    }
  });

  it('gives the construct types to a TypeScript app through the exports map', () => {
    // Prepare
    writeFileSync(
      join(app, 'typed.ts'),
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "import { DriftAuditor, auditScopeFromBaseline, loadBaselineDir, type DriftAuditorProps } from 'drift-audit';",
        "import { analyse, parseBaseline, type Finding } from 'drift-audit/engine';",
        "const loaded = loadBaselineDir('config');",
        "if (!loaded.ok) throw new Error('invalid');",
        "const props: DriftAuditorProps = { scope: auditScopeFromBaseline(loaded.baseline), baselineDirectory: 'config' };",
        "const auditor = new DriftAuditor(new Stack(new App(), 'S'), 'A', props);",
        'const arn: string = auditor.auditFunction.functionArn;',
        'const findings: readonly Finding[] = [];',
        'export { analyse, arn, findings, parseBaseline };',
        '',
      ].join('\n'),
    );
    const tsc = join(REPO, 'node_modules/typescript/bin/tsc');

    // Act
    const result = run(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--skipLibCheck',
        '--types',
        '',
        'typed.ts',
      ],
      app,
    );

    // Assess
    ok(result, 'tsc on a consumer app');
  });

  it('runs the engine export on the demo baseline without the CLI', () => {
    // Prepare
    writeFileSync(
      join(app, 'engine.mjs'),
      [
        "import { readFileSync, readdirSync } from 'node:fs';",
        "import { parseBaseline } from 'drift-audit/engine';",
        "const files = readdirSync('config').filter((n) => n.endsWith('.yaml')).map((name) => ({ name, text: readFileSync('config/' + name, 'utf8') }));",
        'const parsed = parseBaseline(files);',
        'console.log(JSON.stringify({ ok: parsed.ok, environments: parsed.ok ? parsed.baseline.environments.map((e) => e.name).sort() : [] }));',
        '',
      ].join('\n'),
    );

    // Act
    const out = ok(run(process.execPath, ['engine.mjs'], app), 'node engine.mjs');

    // Assess
    expect(JSON.parse(out)).toEqual({ ok: true, environments: ['production-eu', 'production-us', 'staging-us'] });
  });

  it('installs the CLI alone without the CDK or a bundler: aws-cdk-lib and constructs are optional peers', () => {
    // Assess
    expect(installedAlone).toContain('drift-audit');
    expect(installedAlone).not.toContain('aws-cdk-lib');
    expect(installedAlone).not.toContain('constructs');
    expect(installedAlone).not.toContain('esbuild');
    expect(installedAlone).not.toContain('@aws-lambda-powertools');
  });

  it('installs the drift-audit command: npx drift-audit --help exits 0, and a scan gates on drift', () => {
    // Act
    const help = run('npx', ['--no-install', 'drift-audit', '--help'], app);
    const scan = run(
      'npx',
      ['--no-install', 'drift-audit', 'scan', 'config', '--snapshots', 'config/snapshots', '--json', '--now', '2026-11-23T12:00:00Z'],
      app,
    );

    // Assess
    ok(help, 'npx drift-audit --help');
    expect(help.stdout).toMatch(/^ {2}scan \[options\] \[BASELINE_DIR\]/m);
    expect(scan.status, scan.stderr).toBe(1);
    expect((JSON.parse(scan.stdout) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(existsSync(join(app, 'node_modules', '.bin', 'drift-audit'))).toBe(true);
  });
});

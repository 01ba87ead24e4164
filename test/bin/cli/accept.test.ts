import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

const NOW = ['--now', '2026-11-23T12:00:00Z'];
/** What a person gives when accepting an image difference: an exception needs an owner, a reason and an end. */
const EXCEPTION_TERMS = ['--owner', 'platform@example.com', '--reason', 'REL-7 pg-client 15.3 soak', '--expires', '2027-03-31'];
/** Not acceptable by editing the baseline: accept refuses them with exit 2. */
// A stale pod is fixed by a restart, never by declaring a value.
const REFUSED_TYPES = new Set(['invalid', 'shadowed', 'source-error', 'stale']);

interface ScannedFinding {
  readonly id: string;
  readonly type: string;
  readonly environment: string;
  readonly key: string;
  readonly actual?: { readonly secret: boolean };
}

const workDirs: string[] = [];
afterEach(() => {
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the demo baseline and its snapshots, in a fresh directory that accept may edit. */
function copyOfDemo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-accept-'));
  workDirs.push(dir);
  cpSync('config', path.join(dir, 'config'), { recursive: true });
  return dir;
}

async function scan(cwd: string): Promise<ScannedFinding[]> {
  const { stdout, stderr } = await runCli(['scan', 'config', '--json', ...NOW], { cwd });
  if (stdout === '') throw new Error(`scan printed nothing: ${stderr}`);
  return (JSON.parse(stdout) as { findings: ScannedFinding[] }).findings;
}

/** The baseline YAML files of a directory, by name. */
function baselineTexts(dir: string): Record<string, string> {
  const config = path.join(dir, 'config');
  return Object.fromEntries(
    readdirSync(config)
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => [name, readFileSync(path.join(config, name), 'utf8')]),
  );
}

type Declared = Record<string, Record<string, unknown> | undefined>;

/**
 * Every setting the baseline files of `dir` declare, shared (`settings`) or of an application
 * (`applications.<app>.settings`), by key: accept writes a key's setting where it belongs.
 */
function settingsOf(dir: string): Declared {
  const out: Declared = {};
  for (const text of Object.values(baselineTexts(dir))) {
    const data = (parse(text) ?? {}) as { settings?: Declared; applications?: Record<string, { settings?: Declared } | null> };
    Object.assign(out, data.settings ?? {});
    for (const application of Object.values(data.applications ?? {})) Object.assign(out, application?.settings ?? {});
  }
  return out;
}

/** The id the demo scan gives the finding of `type` about `key` in `environment`; ids are not spelled out here. */
function idOf(type: string, environment: string, key: string): string {
  const finding = DEMO.find((candidate) => candidate.type === type && candidate.environment === environment && candidate.key === key);
  if (finding === undefined) throw new Error(`the demo scan has no ${type} finding for ${key} in ${environment}`);
  return finding.id;
}

function acceptable(finding: ScannedFinding): boolean {
  return !REFUSED_TYPES.has(finding.type) && finding.actual?.secret !== true;
}

const DEMO: readonly ScannedFinding[] = await scan(process.cwd());

describe('CLI: drift-audit baseline accept never creates new drift (over the demo estate)', () => {
  it.each(DEMO.map((finding) => [finding.id, finding] as const))(
    'accepting %s alone removes it, opens nothing, or refuses with exit 2 and writes nothing',
    async (id, finding) => {
      // Prepare
      const dir = copyOfDemo();
      const before = new Set(DEMO.map((candidate) => candidate.id));
      const textsBefore = baselineTexts(dir);

      // Act
      const accepted = await runCli(['baseline', 'accept', id, 'config', ...NOW, ...EXCEPTION_TERMS], { cwd: dir });
      const after = await scan(dir);

      // Assess
      if (acceptable(finding)) {
        expect(accepted.stderr).toBe('');
        expect(accepted.code).toBe(0);
        expect(after.map((candidate) => candidate.id)).not.toContain(id);
        expect(after.filter((candidate) => !before.has(candidate.id)).map((candidate) => candidate.id)).toEqual([]);
      } else {
        expect(accepted.code).toBe(2);
        expect(accepted.stderr).toContain(`cannot accept ${id}; nothing was written`);
        expect(baselineTexts(dir)).toEqual(textsBefore);
      }
    },
  );

  it('accepting --all leaves exactly the findings that cannot be accepted, and opens nothing', async () => {
    // Prepare
    const dir = copyOfDemo();
    const before = new Set(DEMO.map((finding) => finding.id));

    // Act
    const accepted = await runCli(['baseline', 'accept', '--all', 'config', ...NOW, ...EXCEPTION_TERMS], { cwd: dir });
    const after = await scan(dir);

    // Assess: the property is only as strong as the demo is varied, so it must hold every kind.
    const types = new Set(DEMO.map((finding) => finding.type));
    for (const type of ['changed', 'missing', 'unmanaged', 'parity', 'exception-expired', 'version', 'invalid', 'shadowed', 'stale']) {
      expect(types, type).toContain(type);
    }
    expect(accepted.code).toBe(0);
    expect(after.filter((finding) => !before.has(finding.id)).map((finding) => finding.id)).toEqual([]);
    expect(after.map((finding) => finding.id).sort()).toEqual(
      DEMO.filter((finding) => !acceptable(finding))
        .map((finding) => finding.id)
        .sort(),
    );
    for (const finding of DEMO.filter((candidate) => !acceptable(candidate))) expect(accepted.stdout).toContain(`not accepted ${finding.id}: `);
  });
});

describe('CLI: drift-audit baseline accept declares the value where it lives', () => {
  it('declares a flag set in every production environment for the production tier, so staging, which never had it, stays clean', async () => {
    // Prepare: ENABLE_NEW_CHECKOUT=true lives in the api-server Deployment of both production
    // environments and nowhere in staging.
    const dir = copyOfDemo();

    // Act
    const accepted = await runCli(['baseline', 'accept', idOf('unmanaged', 'production-us', 'ENABLE_NEW_CHECKOUT'), 'config', ...NOW], { cwd: dir });
    const after = await scan(dir);

    // Assess
    expect(accepted.code).toBe(0);
    expect(settingsOf(dir).ENABLE_NEW_CHECKOUT).toEqual({ tiers: { production: 'true' } });
    const left = after.filter((finding) => finding.key === 'ENABLE_NEW_CHECKOUT');
    expect(left).toEqual([]);
  });

  it('declares a value only one environment of the tier holds for that environment alone', async () => {
    // Prepare: API_TIMEOUT is 120 in production-us only; production-eu runs the declared 30.
    const dir = copyOfDemo();

    // Act
    const accepted = await runCli(['baseline', 'accept', idOf('changed', 'production-us', 'API_TIMEOUT'), 'config', ...NOW], { cwd: dir });

    // Assess
    expect(accepted.code).toBe(0);
    expect(settingsOf(dir).API_TIMEOUT).toMatchObject({ value: 30, environments: { 'production-us': 120 } });
  });

  it('writes the YAML scalar of the declared type (an integer stays an integer, a boolean a boolean), and null for a missing key', async () => {
    // Prepare
    const dir = copyOfDemo();

    // Act
    const accepted = await runCli(
      [
        'baseline',
        'accept',
        idOf('changed', 'production-us', 'PAYMENT_GATEWAY_TIMEOUT_MS'),
        idOf('exception-expired', 'staging-us', 'NEW_AUTH_FLOW'),
        idOf('changed', 'production-us', 'DB_TIMEOUT'),
        idOf('missing', 'production-us', 'INVENTORY_SERVICE_URL'),
        'config',
        ...NOW,
      ],
      { cwd: dir },
    );

    // Assess
    expect(accepted.code).toBe(0);
    const text = readFileSync(path.join(dir, 'config', 'settings.yaml'), 'utf8');
    expect(text).toMatch(/^ {6}production-us: 3000$/m);
    expect(text).toMatch(/^ {6}staging-us: true$/m);
    expect(text).toMatch(/^ {6}production-us: 60s$/m);
    const settings = settingsOf(dir);
    expect(settings.PAYMENT_GATEWAY_TIMEOUT_MS?.environments).toEqual({ 'production-us': 3000 });
    expect(settings.NEW_AUTH_FLOW?.environments).toEqual({ 'staging-us': true });
    expect(settings.INVENTORY_SERVICE_URL?.environments).toEqual({ 'production-us': null });
  });
});

describe('CLI: drift-audit baseline accept of exceptions and image versions', () => {
  it('removes an expired exception by default and declares the live value in its environment', async () => {
    // Prepare
    const dir = copyOfDemo();

    // Act
    const accepted = await runCli(['baseline', 'accept', idOf('exception-expired', 'production-us', 'LOG_LEVEL'), 'config', ...NOW], { cwd: dir });

    // Assess
    expect(accepted.code).toBe(0);
    const exceptions = readFileSync(path.join(dir, 'config', 'exceptions.yaml'), 'utf8');
    expect(exceptions).not.toContain('key: LOG_LEVEL');
    expect(exceptions).toContain('key: NEW_AUTH_FLOW');
    expect(exceptions).toContain('# Temporary deviations, each with an owner');
    expect(settingsOf(dir).LOG_LEVEL).toEqual({ value: 'info', environments: { 'production-us': 'DEBUG' } });
  });

  it('extends an expired exception with --extend, changing nothing else', async () => {
    // Prepare
    const dir = copyOfDemo();
    const before = baselineTexts(dir);

    // Act
    const accepted = await runCli(['baseline', 'accept', idOf('exception-expired', 'production-us', 'LOG_LEVEL'), 'config', '--extend', '2027-01-31', ...NOW], {
      cwd: dir,
    });
    const after = await scan(dir);

    // Assess
    expect(accepted.code).toBe(0);
    const texts = baselineTexts(dir);
    expect(texts['settings.yaml']).toBe(before['settings.yaml']);
    expect(texts['exceptions.yaml']).toBe(before['exceptions.yaml']?.replace('expires: 2026-09-10', 'expires: 2027-01-31'));
    expect(after.map((finding) => finding.id)).not.toContain(idOf('exception-expired', 'production-us', 'LOG_LEVEL'));
  });

  it('refuses an --extend date that has already passed, writing nothing', async () => {
    // Prepare
    const dir = copyOfDemo();
    const before = baselineTexts(dir);

    // Act
    const accepted = await runCli(['baseline', 'accept', idOf('exception-expired', 'production-us', 'LOG_LEVEL'), 'config', '--extend', '2026-11-01', ...NOW], {
      cwd: dir,
    });

    // Assess
    expect(accepted.code).toBe(2);
    expect(accepted.stderr).toContain('--extend 2026-11-01 has already ended');
    expect(baselineTexts(dir)).toEqual(before);
  });

  it('declares an image version difference with an exception on <workload>/<container> holding the tag', async () => {
    // Prepare
    const dir = copyOfDemo();

    // Act
    const accepted = await runCli(
      ['baseline', 'accept', idOf('version', 'staging-us', 'deployment/api-server/pgbouncer'), 'config', ...NOW, ...EXCEPTION_TERMS],
      { cwd: dir },
    );

    // Assess
    expect(accepted.code).toBe(0);
    const { exceptions } = parse(readFileSync(path.join(dir, 'config', 'exceptions.yaml'), 'utf8')) as { exceptions: unknown[] };
    expect(exceptions.at(-1)).toEqual({
      key: 'deployment/api-server/pgbouncer',
      environment: 'staging-us',
      value: '15.3',
      owner: 'platform@example.com',
      reason: 'REL-7 pg-client 15.3 soak',
      expires: '2027-03-31',
    });
  });

  it('refuses an image version without the exception terms, naming the flags, and writes nothing', async () => {
    // Prepare
    const dir = copyOfDemo();
    const before = baselineTexts(dir);

    // Act
    const accepted = await runCli(['baseline', 'accept', idOf('version', 'staging-us', 'deployment/api-server/pgbouncer'), 'config', ...NOW], { cwd: dir });

    // Assess
    expect(accepted.code).toBe(2);
    expect(accepted.stderr).toContain('--owner EMAIL --reason WHY --expires YYYY-MM-DD');
    expect(baselineTexts(dir)).toEqual(before);
  });
});

describe('CLI: drift-audit baseline accept selection, refusals and --dry-run', () => {
  it('accepts several ids at once', async () => {
    // Prepare
    const dir = copyOfDemo();
    const ids = [
      idOf('changed', 'production-us', 'PAYMENT_TIMEOUT'),
      idOf('changed', 'production-us', 'PAYMENT_MAX_RETRIES'),
      idOf('parity', 'production-eu', 'DATABASE_TIMEOUT'),
    ];

    // Act
    const accepted = await runCli(['baseline', 'accept', ...ids, 'config', ...NOW], { cwd: dir });
    const after = (await scan(dir)).map((finding) => finding.id);

    // Assess
    expect(accepted.code).toBe(0);
    for (const id of ids) {
      expect(accepted.stdout).toContain(`accepted ${id}: `);
      expect(after).not.toContain(id);
    }
    expect(after).toContain(idOf('changed', 'production-us', 'API_TIMEOUT'));
  });

  it('accepts what --env and --type select, listing what cannot be accepted without failing', async () => {
    // Prepare
    const dir = copyOfDemo();

    // Act
    const unmanaged = await runCli(['baseline', 'accept', '--type', 'unmanaged', 'config', ...NOW], { cwd: dir });
    const production = await runCli(['baseline', 'accept', '--env', 'production-us', 'config', ...NOW], { cwd: dir });
    const after = await scan(dir);

    // Assess
    expect(unmanaged.code).toBe(0);
    expect(after.filter((finding) => finding.type === 'unmanaged')).toEqual([]);
    expect(production.code).toBe(0);
    expect(production.stdout).toContain(`not accepted ${idOf('invalid', 'production-us', 'LOG_INCLUDE_SENSITIVE')}: `);
    expect(production.stdout).toContain(`not accepted ${idOf('shadowed', 'production-us', 'DATABASE_POOL_SIZE')}: `);
    expect(production.stdout).toMatch(/not accepted stale:production-us:api:.*: a pod that lags its workload/);
    expect(
      after
        .filter((finding) => finding.environment === 'production-us')
        .map((finding) => finding.type)
        .sort(),
    ).toEqual(['invalid', 'shadowed', 'stale']);
    expect(after.map((finding) => finding.id)).toContain(idOf('parity', 'production-eu', 'DATABASE_POOL_SIZE'));
  });

  it('refuses an invalid value, saying to relax the constraint, and a shadowed one, saying to remove the hidden copies', async () => {
    // Prepare
    const dir = copyOfDemo();
    const before = baselineTexts(dir);

    // Act
    const invalid = await runCli(['baseline', 'accept', idOf('invalid', 'production-us', 'LOG_INCLUDE_SENSITIVE'), 'config', ...NOW], { cwd: dir });
    const shadowed = await runCli(
      ['baseline', 'accept', idOf('shadowed', 'production-us', 'DATABASE_POOL_SIZE'), idOf('changed', 'production-us', 'API_TIMEOUT'), 'config', ...NOW],
      { cwd: dir },
    );

    // Assess
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/relax the constraint on LOG_INCLUDE_SENSITIVE/);
    expect(shadowed.code).toBe(2);
    expect(shadowed.stderr).toMatch(/remove the hidden copies of DATABASE_POOL_SIZE/);
    expect(baselineTexts(dir)).toEqual(before);
  });

  it('refuses a source that could not be read, by id with exit 2, and under --all as not accepted', async () => {
    // Prepare
    const dir = copyOfDemo();
    writeFileSync(path.join(dir, 'config', 'snapshots', 'staging-us', 'app-config.json'), '{ not json');
    const id = (await scan(dir)).find((finding) => finding.type === 'source-error')?.id ?? 'no source-error';
    const before = baselineTexts(dir);

    // Act
    const byId = await runCli(['baseline', 'accept', id, 'config', ...NOW], { cwd: dir });
    const unchanged = baselineTexts(dir);
    const all = await runCli(['baseline', 'accept', '--all', 'config', ...NOW, ...EXCEPTION_TERMS], { cwd: dir });
    const after = (await scan(dir)).map((finding) => finding.id);

    // Assess
    expect(byId.code).toBe(2);
    expect(byId.stderr).toContain(`cannot accept ${id}; nothing was written`);
    expect(byId.stderr).toContain('a source that could not be read is not drift');
    expect(unchanged).toEqual(before);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`not accepted ${id}: a source that could not be read is not drift`);
    expect(after).toContain(id);
    expect(after).not.toContain(idOf('exception-expired', 'staging-us', 'NEW_AUTH_FLOW'));
  });

  it('refuses a secret set where the baseline says it must be absent: its value is never written', async () => {
    // Prepare
    const dir = copyOfDemo();
    const settings = path.join(dir, 'config', 'settings.yaml');
    writeFileSync(
      settings,
      readFileSync(settings, 'utf8').replace(
        '  DB_PASSWORD:\n    secret: true\n',
        '  DB_PASSWORD:\n    secret: true\n    environments: { staging-us: null }\n',
      ),
    );
    const finding = (await scan(dir)).find((candidate) => candidate.key === 'DB_PASSWORD');
    const before = baselineTexts(dir);

    // Act
    const accepted = await runCli(['baseline', 'accept', finding?.id ?? 'no DB_PASSWORD finding', 'config', ...NOW], { cwd: dir });

    // Assess
    expect(finding).toMatchObject({ type: 'changed', environment: 'staging-us', actual: { secret: true } });
    expect(accepted.code).toBe(2);
    expect(accepted.stderr).toContain("a secret's value is never written to the baseline");
    expect(baselineTexts(dir)).toEqual(before);
  });

  it('prints a unified diff with --dry-run and writes nothing', async () => {
    // Prepare
    const dir = copyOfDemo();
    const before = baselineTexts(dir);

    // Act
    const accepted = await runCli(['baseline', 'accept', idOf('changed', 'production-us', 'API_TIMEOUT'), 'config', '--dry-run', ...NOW], { cwd: dir });

    // Assess
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(/^would accept changed:\S*API_TIMEOUT: declare API_TIMEOUT (of api )?as 120 in production-us \(settings\.yaml\)$/m);
    expect(accepted.stdout).toContain('--- a/settings.yaml\n+++ b/settings.yaml\n@@ ');
    expect(accepted.stdout).toMatch(/^\+ {4}environments:\n\+ {6}production-us: 120$/m);
    expect(baselineTexts(dir)).toEqual(before);
  });
});

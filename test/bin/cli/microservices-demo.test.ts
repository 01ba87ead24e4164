import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Edit, NOW, appliedMemory, boutiqueEstate, scaled, setEnv } from '../../support/microservices-demo-estate.js';
import { runCli } from '../../support/run-cli.js';

describe('CLI: init and scan of microservices-demo workloads in three regions', () => {
  let work: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'drift-boutique-'));
  });
  afterEach(() => {
    rmSync(work, { recursive: true, force: true });
  });

  const estate = (regions: Readonly<Record<string, readonly Edit[]>>) => boutiqueEstate(work, regions);

  it('counts the settings init declared per application when validating its baseline', async () => {
    // Prepare
    const { baseline } = await estate({ staging: [], 'production-us': [], 'production-eu': [] });

    // Act
    const validate = await runCli(['baseline', 'validate', baseline, '--now', NOW]);

    // Assess: frontend and cartservice, 3 env vars each and their workload shape, all under applications.
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/is valid: 3 environments, (\d+) settings \(\1 of 2 applications\), 0 exceptions/);
    expect(validate.stdout).not.toContain(' 0 settings');
  });

  it('init on an export cut off mid-write writes what it read, names the unread file and exits 3 (0 with --allow-partial)', async () => {
    // Prepare: production-eu's kubectl export was truncated.
    const { snapshots } = await estate({ staging: [], 'production-us': [], 'production-eu': [] });
    writeFileSync(join(snapshots, 'production-eu', 'kubernetes.json'), '{"apiVersion":"v1","kind":"List","items":[');

    // Act
    const strict = await runCli(['init', join(work, 'strict'), '--snapshots', snapshots, '--now', NOW]);
    const allowed = await runCli(['init', join(work, 'allowed'), '--snapshots', snapshots, '--allow-partial', '--now', NOW]);

    // Assess
    expect(strict.code).toBe(3);
    expect(strict.stdout).toContain('1 finding for review');
    expect(strict.stdout).toContain('review: source-error:production-eu:file:production-eu/kubernetes.json');
    expect(strict.stderr).toContain('not read: file:production-eu/kubernetes.json');
    expect(strict.stderr).toContain('incomplete read, exit 3');
    expect(existsSync(join(work, 'strict', 'baseline.yaml'))).toBe(true);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('partial read allowed (--allow-partial)');
  });

  it('blames the region scaled by hand (kubectl scale records kubectl-scale, outside the pipeline)', async () => {
    // Prepare
    const { baseline, snapshots } = await estate({ staging: [], 'production-us': [], 'production-eu': [scaled('frontend', 5)] });

    // Act
    const scan = await runCli(['scan', baseline, '--snapshots', snapshots, '--json', '--now', NOW]);

    // Assess
    const findings = (JSON.parse(scan.stdout) as { findings: { id: string; message: string }[] }).findings;
    expect(findings.map((finding) => finding.id)).toEqual(['parity:production-eu:frontend:k8s:replicas']);
    expect(findings[0]?.message).toMatch(/changed by kubectl-scale outside the pipeline/);
  });

  it('counts only the environments --env shows, also for a difference between two regions with no majority', async () => {
    // Prepare: cartservice's memory limit differs between the production regions, both applied by the
    // pipeline (a group finding); cartservice's REDIS_ADDR was set by hand in production-eu.
    const { baseline, snapshots } = await estate({
      staging: [],
      'production-us': [appliedMemory('cartservice', '256Mi')],
      'production-eu': [appliedMemory('cartservice', '512Mi'), setEnv('cartservice', 'REDIS_ADDR', 'redis-cart-eu:6379')],
    });

    // Act
    const all = await runCli(['scan', baseline, '--snapshots', snapshots, '--now', NOW]);
    const eu = await runCli(['scan', baseline, '--snapshots', snapshots, '--env', 'production-eu', '--now', NOW]);

    // Assess
    expect(all.stdout.trimEnd().split('\n').at(-1)).toBe('Drift found: 2 findings (2 medium) in 2 of 3 environments; 3 sources read.');
    expect(eu.stdout.trimEnd().split('\n').at(-1)).toBe('Drift found: 2 findings (2 medium) in 1 of 1 environment; 1 source read.');
  });

  it('prints one compact line per application and key across regions', async () => {
    // Prepare: PORT set by hand in two services, in different regions.
    const { baseline, snapshots } = await estate({
      staging: [],
      'production-us': [setEnv('frontend', 'PORT', '8081')],
      'production-eu': [setEnv('cartservice', 'PORT', '7071')],
    });

    // Act
    const scan = await runCli(['scan', baseline, '--snapshots', snapshots, '--compact', '--now', NOW]);

    // Assess
    const lines = scan.stdout.split('\n').filter((line) => line.startsWith('◆'));
    expect(lines).toEqual(['◆ MEDIUM    cartservice:PORT  parity  production-eu 7071≠7070', '◆ MEDIUM    frontend:PORT     parity  production-us 8081≠8080']);
  });
});

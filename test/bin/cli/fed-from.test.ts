import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { deployment, list, pod, replicaSet } from '../../support/pod-objects.js';

/**
 * `fed_from` through the CLI on exported snapshots: `aws ssm get-parameters-by-path` and
 * `describe-parameters` JSON beside a `kubectl get -o json` List holding the Deployment, its
 * ReplicaSet and its Pods, read by convention from `<snapshots>/<environment>/`.
 */

const DB_URL_PARAMETER = '/production-eu/api/DB_URL';
const ALICE = 'arn:aws:iam::111122223333:user/alice';
const OLD_URL = 'postgres://db-old.internal:5432/app';
const NEW_URL = 'postgres://db-new.internal:5432/app';
const POD_STARTED = '2026-11-20T08:00:00Z';
const CHANGED_AT = '2026-11-28T10:00:00Z';
/** LastModifiedDate as the engine carries it: ISO 8601 with milliseconds. */
const CHANGED_AT_ISO = '2026-11-28T10:00:00.000Z';

const BASELINE = (settings: string) => `
environments:
  production-eu:
    tier: production
    region: eu-west-1
    account: "111122223333"
    sources:
      ssm: [/production-eu/api/]
      eks: [{ cluster: prod-eu, namespaces: [api] }]
applications:
  api:
    workloads: [deployment/api]
    settings:
${settings}
`;

interface Parameter {
  readonly name: string;
  readonly value?: string;
  readonly type?: 'String' | 'SecureString';
  readonly version: number;
  readonly changedAt: string;
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Writes the baseline and the exported snapshot, runs `scan --json`, returns the findings. */
async function scan(settings: string, env: Record<string, unknown>[], parameters: readonly Parameter[]) {
  const root = mkdtempSync(path.join(tmpdir(), 'drift-fed-'));
  roots.push(root);
  mkdirSync(path.join(root, 'baseline'));
  writeFileSync(path.join(root, 'baseline', 'baseline.yaml'), BASELINE(settings));
  const dir = path.join(root, 'snapshots', 'production-eu');
  mkdirSync(dir, { recursive: true });
  const arn = (name: string) => `arn:aws:ssm:eu-west-1:111122223333:parameter${name}`;
  // get-parameters-by-path without --with-decryption: a SecureString's Value is the ciphertext, never exported.
  const exported = parameters.map((p) => ({
    Name: p.name,
    Type: p.type ?? 'String',
    ...(p.type === 'SecureString' ? {} : { Value: p.value }),
    Version: p.version,
    LastModifiedDate: p.changedAt,
    ARN: arn(p.name),
    DataType: 'text',
  }));
  const described = parameters.map((p) => ({
    Name: p.name,
    ARN: arn(p.name),
    Type: p.type ?? 'String',
    LastModifiedDate: p.changedAt,
    LastModifiedUser: ALICE,
    Version: p.version,
    Policies: [],
    DataType: 'text',
    Tier: 'Standard',
  }));
  writeFileSync(path.join(dir, 'ssm.json'), JSON.stringify({ Parameters: exported }));
  writeFileSync(path.join(dir, 'ssm-describe.json'), JSON.stringify({ Parameters: described }));
  const objects = [deployment('api', { revision: 2, env }), replicaSet('api', '7c9d', 2), pod('api', '7c9d', 'a', POD_STARTED, { env })];
  writeFileSync(path.join(dir, 'kubernetes.json'), JSON.stringify(list(objects)));
  const run = await runCli(['scan', path.join(root, 'baseline'), '--snapshots', path.join(root, 'snapshots'), '--json', '--now', '2026-12-01T12:00:00Z']);
  if (run.stdout === '') throw new Error(`scan printed nothing: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { findings: Finding[] };
  return { code: run.code, findings: report.findings, stdout: run.stdout };
}

interface Finding {
  readonly id: string;
  readonly type: string;
  readonly key: string;
  readonly message: string;
  readonly expected?: { text: string; secret: boolean };
  readonly actual?: { text: string; secret: boolean };
  readonly provenance: { location: string }[];
  readonly fixes: { revert?: { summary: string; command?: string }; accept?: { summary: string; baselineEdit?: unknown } };
}

const dbUrl = (value: string) => [{ name: 'DB_URL', value }];
const dbUrlParameter = (value: string): Parameter => ({ name: DB_URL_PARAMETER, value, version: 7, changedAt: CHANGED_AT });
// The parameter's key in its tree is DB_URL too: the SSM layer outranks the env var, the classic shadowing pair.
const FED_DB_URL = '      DB_URL:\n        fed_from: { ssm: DB_URL }';

describe('CLI: fed_from on exported snapshots', () => {
  it('reports an env var that did not follow the parameter feeding it as one changed finding, explained as such', async () => {
    // Act
    const { findings, code } = await scan(FED_DB_URL, dbUrl(OLD_URL), [dbUrlParameter(NEW_URL)]);
    // The contrast: without the declaration the same pair is the shadowed note it always was.
    const undeclared = await scan('      DB_URL: ~', dbUrl(OLD_URL), [dbUrlParameter(NEW_URL)]);

    // Assess: exactly one finding, no shadowed note for the pair.
    expect(findings.map((finding) => finding.id)).toEqual(['changed:production-eu:api:DB_URL']);
    expect(code).toBe(1);
    const [finding] = findings;
    expect(finding?.message).toContain(
      `DB_URL of api in production-eu is fed from SSM ${DB_URL_PARAMETER}, which changed at ${CHANGED_AT_ISO} (by ${ALICE}, version 7); the env var (env deployment/api container app) still holds the earlier value (${OLD_URL}; the parameter holds ${NEW_URL})`,
    );
    expect(finding?.expected).toEqual({ text: NEW_URL, secret: false });
    expect(finding?.actual).toEqual({ text: OLD_URL, secret: false });
    expect(finding?.provenance.map((p) => p.location).slice(0, 2)).toEqual([
      'deployment/api container app',
      'arn:aws:ssm:eu-west-1:111122223333:parameter/production-eu/api/DB_URL',
    ]);
    expect(finding?.fixes.revert?.command).toBe(`kubectl -n api set env deployment/api -c app 'DB_URL=${NEW_URL}'`);
    expect(finding?.fixes.accept?.baselineEdit).toBeUndefined();
    expect(undeclared.findings.map((item) => item.id)).toEqual(['shadowed:production-eu:api:DB_URL']);
  });

  it('says nothing when the env var holds the parameter’s value', async () => {
    const { findings, code } = await scan(FED_DB_URL, dbUrl(NEW_URL), [dbUrlParameter(NEW_URL)]);
    expect(findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('reports a pod whose secretKeyRef variable is declared fed from a parameter changed after it started, by times only', async () => {
    // Prepare: the Secret is filled by something the cluster does not show (a deploy step); the baseline says which parameter.
    const env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
    const rotated: Parameter = { name: '/production-eu/api/db/password', type: 'SecureString', version: 4, changedAt: CHANGED_AT };
    const declared = '      DB_PASSWORD:\n        secret: true\n        fed_from: { ssm: db/password }';

    // Act
    const { findings, stdout } = await scan(declared, env, [rotated]);
    const undeclared = await scan('      DB_PASSWORD: { secret: true }', env, [rotated]);

    // Assess
    const stale = findings.filter((finding) => finding.type === 'stale');
    expect(stale.map((finding) => finding.id)).toEqual(['stale:production-eu:api:api/deployment/api:ssm:/production-eu/api/db/password']);
    expect(stale[0]?.message).toContain(
      `1 pod of deployment/api in namespace api started before SSM parameter /production-eu/api/db/password changed at ${CHANGED_AT_ISO} to version 4`,
    );
    expect(stale[0]?.message).toContain('DB_PASSWORD (secret/db#password via fed_from in the baseline) still holds the earlier value');
    expect(stale[0]?.fixes.revert?.command).toBe('kubectl -n api rollout restart deployment/api');
    expect(findings.some((finding) => finding.type === 'changed' || finding.type === 'shadowed')).toBe(false);
    expect(stdout).not.toMatch(/"value"/);
    expect(undeclared.findings.filter((finding) => finding.type === 'stale')).toEqual([]);
  });

  it('keeps a pod that started after the declared parameter changed silent', async () => {
    const env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
    const before: Parameter = { name: '/production-eu/api/db/password', type: 'SecureString', version: 4, changedAt: '2026-11-19T10:00:00Z' };
    const { findings } = await scan('      DB_PASSWORD:\n        secret: true\n        fed_from: { ssm: db/password }', env, [before]);
    expect(findings.filter((finding) => finding.type === 'stale')).toEqual([]);
  });
});

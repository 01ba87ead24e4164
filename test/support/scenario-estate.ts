import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './run-cli.js';

/** One container of a Deployment in a scenario: its env entries and envFrom ConfigMaps. */
export interface ScenarioContainer {
  readonly name?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly envFrom?: readonly string[];
}

/** What one environment runs: Deployments by name (one container each unless given), ConfigMaps by name. */
export interface ScenarioEnvironment {
  readonly deployments: Readonly<Record<string, ScenarioContainer | readonly ScenarioContainer[]>>;
  readonly configMaps?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** `kubectl set env` changes: deployment -> variable names last written by kubectl-set. */
  readonly byHand?: Readonly<Record<string, readonly string[]>>;
}

/** The JSON report fields scenarios assert on. */
export interface ScenarioFinding {
  readonly id: string;
  readonly type: string;
  readonly severity: string;
  readonly environment: string;
  readonly application?: string;
  readonly key: string;
  readonly message: string;
  readonly comparedWith?: Record<string, { text: string }>;
  readonly fixes: { revert?: { summary: string; command?: string }; accept?: { summary: string } };
}

/**
 * Writes a baseline directory (the given YAML, plus one file source per environment) and a snapshot
 * directory of `kubectl get -o json` Lists, runs `drift-audit scan --json` on it through the CLI, and
 * returns the findings: the way a team tries drift-audit on its own manifests.
 */
export async function scanScenario(
  baselineYaml: string,
  environments: Readonly<Record<string, ScenarioEnvironment & { readonly tier: string }>>,
): Promise<{ code: number; findings: ScenarioFinding[]; stderr: string }> {
  const root = mkdtempSync(path.join(tmpdir(), 'drift-scenario-'));
  try {
    mkdirSync(path.join(root, 'baseline'));
    const declared = Object.entries(environments)
      .map(([name, env]) => `  ${name}:\n    tier: ${env.tier}\n    sources:\n      files:\n        - path: ${name}/kubernetes.json\n`)
      .join('');
    writeFileSync(path.join(root, 'baseline', 'environments.yaml'), `environments:\n${declared}`);
    writeFileSync(path.join(root, 'baseline', 'baseline.yaml'), baselineYaml);
    for (const [name, env] of Object.entries(environments)) {
      mkdirSync(path.join(root, 'snapshots', name), { recursive: true });
      writeFileSync(path.join(root, 'snapshots', name, 'kubernetes.json'), JSON.stringify(kubectlList(env), null, 2));
    }
    const run = await runCli(['scan', path.join(root, 'baseline'), '--snapshots', path.join(root, 'snapshots'), '--json', '--now', '2026-11-23T12:00:00Z']);
    const report = JSON.parse(run.stdout) as { findings: ScenarioFinding[] };
    return { code: run.code, findings: report.findings, stderr: run.stderr };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function kubectlList(env: ScenarioEnvironment): unknown {
  const items: unknown[] = [];
  for (const [name, spec] of Object.entries(env.deployments)) {
    const containers = (Array.isArray(spec) ? spec : [spec]) as readonly ScenarioContainer[];
    const byHand = env.byHand?.[name] ?? [];
    items.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: 'default',
        managedFields:
          byHand.length === 0
            ? []
            : [
                {
                  manager: 'kubectl-set',
                  operation: 'Update',
                  time: '2026-11-20T03:00:00Z',
                  fieldsType: 'FieldsV1',
                  fieldsV1: {
                    'f:spec': {
                      'f:template': {
                        'f:spec': {
                          'f:containers': {
                            [`k:{"name":"${containers[0]?.name ?? 'server'}"}`]: {
                              'f:env': Object.fromEntries(byHand.map((variable) => [`k:{"name":"${variable}"}`, { '.': {}, 'f:value': {} }])),
                            },
                          },
                        },
                      },
                    },
                  },
                },
              ],
      },
      spec: {
        template: {
          spec: {
            containers: containers.map((container) => ({
              name: container.name ?? 'server',
              image: `registry.example.com/${name}:1.0.0`,
              env: Object.entries(container.env ?? {}).map(([variable, value]) => ({ name: variable, value })),
              ...(container.envFrom === undefined ? {} : { envFrom: container.envFrom.map((configMap) => ({ configMapRef: { name: configMap } })) }),
            })),
          },
        },
      },
    });
  }
  for (const [name, data] of Object.entries(env.configMaps ?? {})) {
    items.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
  }
  return { apiVersion: 'v1', kind: 'List', items };
}

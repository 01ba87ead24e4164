/**
 * The CDK app (`cdk.json` runs `npx tsx bin/app.ts`): one `DriftAuditStack` configured from context,
 * checked by cdk-nag AwsSolutions at synth. Every acknowledged cdk-nag rule carries its reason next to
 * the resource it concerns (in lib/), so `cdk synth` fails on any new unacknowledged finding.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME, DriftAuditStack } from '../lib/drift-audit-stack.js';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const account = stringContext('driftAudit:account') ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = stringContext('driftAudit:region') ?? process.env.CDK_DEFAULT_REGION;
new DriftAuditStack(app, stringContext('driftAudit:stackName') ?? DEFAULT_STACK_NAME, {
  // Env-agnostic without credentials, so `cdk synth` works offline; access entries then carry conditions.
  ...((account !== undefined || region !== undefined) && {
    env: { ...(account === undefined ? {} : { account }), ...(region === undefined ? {} : { region }) },
  }),
});

app.synth();

function stringContext(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

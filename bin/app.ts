/**
 * The CDK app (`cdk.json` runs `npx tsx bin/app.ts`): one `DriftAuditStack` configured from context,
 * checked by cdk-nag AwsSolutions at synth. Every acknowledged cdk-nag rule carries its reason next to
 * the resource it concerns (in lib/), so `cdk synth` fails on any new unacknowledged finding.
 */
import { Annotations, App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { changeForwarderPlaces, DriftAuditChangeForwarderStack } from '../lib/drift-audit-change-forwarder-stack.js';
import { DEFAULT_STACK_NAME, DriftAuditStack } from '../lib/drift-audit-stack.js';

const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

const account = stringContext('driftAudit:account') ?? process.env.CDK_DEFAULT_ACCOUNT;
const region = stringContext('driftAudit:region') ?? process.env.CDK_DEFAULT_REGION;
const stackName = stringContext('driftAudit:stackName') ?? DEFAULT_STACK_NAME;
const auditStack = new DriftAuditStack(app, stackName, {
  // Env-agnostic without credentials, so `cdk synth` works offline; access entries then carry conditions.
  ...((account !== undefined || region !== undefined) && {
    env: { ...(account === undefined ? {} : { account }), ...(region === undefined ? {} : { region }) },
  }),
});

// Change events from other regions and member accounts: one forwarding stack per place (deploy each
// with credentials for its account), which needs to know where the auditor's bus is.
if (auditStack.settings.changeEvents) {
  if (account !== undefined && region !== undefined) {
    for (const place of changeForwarderPlaces(auditStack.auditScope, { account, region })) {
      new DriftAuditChangeForwarderStack(app, `${stackName}-ChangeForwarder-${place.account}-${place.region}`, {
        env: { account: place.account, region: place.region },
        home: { account, region },
        prefixes: place.prefixes,
      });
    }
  } else if (auditStack.auditScope.ssm.some((entry) => entry.region !== undefined || entry.account !== undefined)) {
    Annotations.of(auditStack).addWarningV2(
      'drift-audit:change-forwarders',
      "driftAudit:changeEvents: set driftAudit:account and driftAudit:region so the forwarding stacks of other regions and accounts can be synthesized; until then only changes in the stack's own region reach the auditor",
    );
  }
}

app.synth();

function stringContext(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

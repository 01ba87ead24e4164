import { Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { AuditScope } from './audit-scope.js';
import { parameterStoreChangePattern } from './drift-auditor-change-events.js';

/** One place (account and region) whose Parameter Store writes must be forwarded to the auditor's bus. */
export interface ChangeForwarderPlace {
  readonly account: string;
  readonly region: string;
  /** The declared trees there, sorted. */
  readonly prefixes: readonly string[];
}

/**
 * Where forwarding rules are needed: every account and region holding a declared SSM tree other than
 * the auditor's own (whose default bus gets the events directly). An entry without account or region
 * is where the auditor is.
 */
export function changeForwarderPlaces(scope: AuditScope, home: { readonly account: string; readonly region: string }): ChangeForwarderPlace[] {
  const places = new Map<string, { account: string; region: string; prefixes: Set<string> }>();
  for (const entry of scope.ssm) {
    const account = entry.account ?? home.account;
    const region = entry.region ?? home.region;
    if (account === home.account && region === home.region) continue;
    const key = `${account}/${region}`;
    const place = places.get(key) ?? { account, region, prefixes: new Set<string>() };
    place.prefixes.add(entry.path);
    places.set(key, place);
  }
  return [...places.values()]
    .map((place) => ({ account: place.account, region: place.region, prefixes: [...place.prefixes].sort() }))
    .sort((a, b) => (a.account + a.region < b.account + b.region ? -1 : 1));
}

/** Properties of {@link ChangeEventForwardingRule}. */
export interface ChangeEventForwardingRuleProps {
  /** Account and region of the auditor: its default bus receives the events. */
  readonly home: { readonly account: string; readonly region: string };
  /** Trees whose writes are forwarded (this place's part of the scope). */
  readonly prefixes: readonly string[];
}

/**
 * SSM emits `Parameter Store Change` only to the default bus of its own region and account, so this
 * rule sends the declared trees' changes on to the auditor's default bus. EventBridge needs a role
 * with `events:PutEvents` on the target bus for a bus in another region (the target creates it, with
 * that one permission); a bus in another account also needs that bus's resource policy
 * (`DriftAuditorChangeEvents` adds it for the scope's accounts or organization).
 */
export class ChangeEventForwardingRule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ChangeEventForwardingRuleProps) {
    super(scope, id);
    const partition = Stack.of(this).partition;
    const homeBus = EventBus.fromEventBusArn(this, 'AuditorBus', `arn:${partition}:events:${props.home.region}:${props.home.account}:event-bus/default`);
    this.rule = new Rule(this, 'Rule', {
      description: `drift-audit: Parameter Store writes under the declared trees, to the auditor's bus in ${props.home.region}`,
      eventPattern: parameterStoreChangePattern(props.prefixes),
      targets: [new EventBusTarget(homeBus)],
    });
  }
}

/** Properties of {@link DriftAuditChangeForwarderStack}. */
export interface DriftAuditChangeForwarderStackProps extends StackProps, ChangeEventForwardingRuleProps {}

/**
 * A companion stack for one other region (or member account) holding declared trees: one
 * {@link ChangeEventForwardingRule}. In a member account, `DriftAuditReadRole` can add the same rule
 * instead (`forwardChangeEventsTo`).
 */
export class DriftAuditChangeForwarderStack extends Stack {
  readonly forwarding: ChangeEventForwardingRule;

  constructor(scope: Construct, id: string, props: DriftAuditChangeForwarderStackProps) {
    super(scope, id, { description: 'drift-audit: forwards Parameter Store changes of declared trees to the auditor', ...props });
    this.forwarding = new ChangeEventForwardingRule(this, 'ForwardParameterStoreChanges', { home: props.home, prefixes: props.prefixes });
  }
}

import { type ISecurityGroup, SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { DRIFT_AUDIT_VPC_ENDPOINTS, type DriftAuditorNetworkProps, type DriftAuditVpcEndpointName } from './drift-auditor-network.js';

/** One subnet of the functions, as context gives it: ids only, so synth needs no lookup and no network. */
export interface NetworkContextSubnet {
  readonly subnetId: string;
  /** Its Availability Zone (`eu-west-1a`): interface endpoints go one per zone. */
  readonly availabilityZone: string;
  /** Its route table: needed only for the `s3` and `dynamodb` gateway endpoints. */
  readonly routeTableId?: string;
}

/** The stack's VPC settings from context (`driftAudit:vpcId` and the keys that go with it). */
export interface NetworkContext {
  readonly vpcId: string;
  readonly subnets: readonly NetworkContextSubnet[];
  /** Empty: the construct creates one security group. */
  readonly securityGroupIds: readonly string[];
  readonly endpoints: readonly DriftAuditVpcEndpointName[];
}

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const ROUTE_TABLE_ID = /^rtb-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const AVAILABILITY_ZONE = /^[a-z]{2}(-[a-z0-9]+)+[a-z]$/;
const GATEWAYS: readonly DriftAuditVpcEndpointName[] = ['s3', 'dynamodb'];

/**
 * Reads the network keys: `driftAudit:vpcId`, `driftAudit:subnets` (a list of `{ subnetId,
 * availabilityZone, routeTableId? }`, or that list as JSON text from `-c`), `driftAudit:securityGroupIds`
 * and `driftAudit:vpcEndpoints` (lists, or comma-separated text). Ids are taken as given
 * (`Vpc.fromVpcAttributes`): a `Vpc.fromLookup` would need credentials and the network at synth.
 * Every problem is pushed to `problems`, naming the key, the value and what is expected.
 */
export function parseNetworkContext(get: (key: string) => unknown, prefix: string, problems: string[]): NetworkContext | undefined {
  const key = (name: string): string => `${prefix}${name}`;
  const raw = (name: string): unknown => {
    const value = get(key(name));
    return value === undefined || value === null || value === '' ? undefined : value;
  };
  const vpcId = raw('vpcId');
  const rawSubnets = raw('subnets');
  const rawGroups = raw('securityGroupIds');
  const rawEndpoints = raw('vpcEndpoints');
  if (vpcId === undefined) {
    for (const [name, value] of [
      ['subnets', rawSubnets],
      ['securityGroupIds', rawGroups],
      ['vpcEndpoints', rawEndpoints],
    ] as const) {
      if (value !== undefined) problems.push(`${key(name)} needs ${key('vpcId')}: the functions run in a VPC only when it is set`);
    }
    return undefined;
  }
  const before = problems.length;
  if (typeof vpcId !== 'string' || !VPC_ID.test(vpcId)) problems.push(`${key('vpcId')} = ${show(vpcId)}: expected a VPC id such as vpc-0abc1234`);
  const subnets = subnetsOf(rawSubnets, key('subnets'), problems);
  const securityGroupIds = listOf(rawGroups, key('securityGroupIds'), problems).filter((id) => {
    if (SECURITY_GROUP_ID.test(id)) return true;
    problems.push(`${key('securityGroupIds')}: ${show(id)} is not a security group id such as sg-0abc1234`);
    return false;
  });
  const endpoints = listOf(rawEndpoints, key('vpcEndpoints'), problems).filter((name): name is DriftAuditVpcEndpointName => {
    if (Object.hasOwn(DRIFT_AUDIT_VPC_ENDPOINTS, name)) return true;
    problems.push(`${key('vpcEndpoints')}: ${show(name)} is not one of ${Object.keys(DRIFT_AUDIT_VPC_ENDPOINTS).join(', ')}`);
    return false;
  });
  const gateways = endpoints.filter((name) => GATEWAYS.includes(name));
  if (gateways.length > 0) {
    subnets.forEach((subnet, index) => {
      if (subnet.routeTableId === undefined) {
        problems.push(
          `${key('subnets')}[${index}] (${subnet.subnetId}) needs routeTableId: the ${gateways.join(' and ')} gateway endpoint(s) go on route tables`,
        );
      }
    });
  }
  if (problems.length > before) return undefined;
  return { vpcId: vpcId as string, subnets, securityGroupIds, endpoints };
}

function subnetsOf(raw: unknown, key: string, problems: string[]): NetworkContextSubnet[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`${key}: expected a JSON list of { "subnetId", "availabilityZone", "routeTableId" } objects`);
      return [];
    }
  }
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${key} = ${show(raw)}: expected a non-empty list of { subnetId, availabilityZone, routeTableId? } (the functions' subnets)`);
    return [];
  }
  const subnets: NetworkContextSubnet[] = [];
  value.forEach((entry: unknown, index) => {
    const where = `${key}[${index}]`;
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const { subnetId, availabilityZone, routeTableId } = item;
    let ok = true;
    if (typeof subnetId !== 'string' || !SUBNET_ID.test(subnetId)) {
      problems.push(`${where}.subnetId = ${show(subnetId)}: expected a subnet id such as subnet-0abc1234`);
      ok = false;
    }
    if (typeof availabilityZone !== 'string' || !AVAILABILITY_ZONE.test(availabilityZone)) {
      problems.push(`${where}.availabilityZone = ${show(availabilityZone)}: expected the subnet's zone name such as eu-west-1a`);
      ok = false;
    }
    if (routeTableId !== undefined && (typeof routeTableId !== 'string' || !ROUTE_TABLE_ID.test(routeTableId))) {
      problems.push(`${where}.routeTableId = ${show(routeTableId)}: expected a route table id such as rtb-0abc1234`);
      ok = false;
    }
    if (ok) {
      subnets.push({
        subnetId: subnetId as string,
        availabilityZone: availabilityZone as string,
        ...(routeTableId === undefined ? {} : { routeTableId: routeTableId as string }),
      });
    }
  });
  return subnets;
}

function listOf(raw: unknown, key: string, problems: string[]): string[] {
  if (raw === undefined) return [];
  if (typeof raw === 'string') {
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw.map((item) => item.trim());
  problems.push(`${key} = ${show(raw)}: expected a list of strings, or comma-separated text`);
  return [];
}

function show(raw: unknown): string {
  return JSON.stringify(raw) ?? String(raw);
}

/**
 * The construct's `network` prop from the context's ids: the VPC and subnets imported by attributes,
 * the given security groups imported immutable (the construct never adds rules to groups it does not own).
 */
export function networkPropsOf(scope: Construct, context: NetworkContext): DriftAuditorNetworkProps {
  const zones = [...new Set(context.subnets.map((subnet) => subnet.availabilityZone))];
  const vpc = Vpc.fromVpcAttributes(scope, 'Vpc', { vpcId: context.vpcId, availabilityZones: zones });
  const subnets = context.subnets.map((subnet, index) =>
    Subnet.fromSubnetAttributes(scope, `Subnet${index}`, {
      subnetId: subnet.subnetId,
      availabilityZone: subnet.availabilityZone,
      ...(subnet.routeTableId === undefined ? {} : { routeTableId: subnet.routeTableId }),
    }),
  );
  const securityGroups: ISecurityGroup[] = context.securityGroupIds.map((id, index) =>
    SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup${index}`, id, { mutable: false }),
  );
  return {
    vpc,
    subnets: { subnets },
    ...(securityGroups.length === 0 ? {} : { securityGroups }),
    ...(context.endpoints.length === 0 ? {} : { endpoints: context.endpoints }),
  };
}

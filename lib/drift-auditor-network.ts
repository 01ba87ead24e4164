import { Stack } from 'aws-cdk-lib';
import {
  GatewayVpcEndpoint,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  type ISecurityGroup,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag-acknowledgements.js';

/**
 * The VPC endpoints the construct can create for a private network, by the service the functions
 * call: `s3` and `dynamodb` are gateway endpoints (no hourly charge), the others interface endpoints
 * (billed per hour in each Availability Zone of the subnets). Leave out any the VPC already has: a
 * second interface endpoint with private DNS for the same service fails to create.
 */
export const DRIFT_AUDIT_VPC_ENDPOINTS = {
  /** Parameter Store reads (`ssm.<region>.amazonaws.com`). */
  ssm: InterfaceVpcEndpointAwsService.SSM,
  /** AssumeRole into other accounts' read roles (regional STS, which the SDK v3 uses). */
  sts: InterfaceVpcEndpointAwsService.STS,
  /** `eks:DescribeCluster` for a cluster's endpoint and CA (not the Kubernetes API itself). */
  eks: InterfaceVpcEndpointAwsService.EKS,
  /** Alerts and Chatbot messages published to the topics. */
  sns: InterfaceVpcEndpointAwsService.SNS,
  /** The GitHub token (pull requests) and the Slack webhook URL. */
  secretsmanager: InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  /** CloudWatch Logs API, for code that calls it; the functions' own logs go through Lambda, not the VPC. */
  logs: InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  /** CloudWatch metrics API (`monitoring`); the handler's metrics go out as EMF log lines and need none. */
  monitoring: InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  /** Baseline, reports and state in the bucket (gateway). */
  s3: GatewayVpcEndpointAwsService.S3,
  /** The history table (gateway). */
  dynamodb: GatewayVpcEndpointAwsService.DYNAMODB,
} as const;

/** A name of {@link DRIFT_AUDIT_VPC_ENDPOINTS}. */
export type DriftAuditVpcEndpointName = keyof typeof DRIFT_AUDIT_VPC_ENDPOINTS;

/** The VPC the construct's functions run in, to reach clusters whose API endpoint is private. */
export interface DriftAuditorNetworkProps {
  /** The VPC of the clusters (or one routed to it). `Vpc.fromVpcAttributes` works: no lookup is needed. */
  readonly vpc: IVpc;
  /**
   * Subnets of the functions' network interfaces, and of the interface endpoints. They need a route
   * to every AWS API the run calls: a NAT gateway, or the endpoints listed in `endpoints`.
   * @default - the VPC's private subnets
   */
  readonly subnets?: SubnetSelection;
  /**
   * Security groups of the functions. Allow them in on TCP 443 in each private cluster's security group.
   * @default - one security group, no inbound rule, outbound TCP 443 only (every API the run calls is HTTPS)
   */
  readonly securityGroups?: readonly ISecurityGroup[];
  /**
   * VPC endpoints to create in the subnets, each reachable on 443 from the functions' security groups only.
   * @default - none: the subnets already reach AWS APIs (NAT or endpoints of their own)
   */
  readonly endpoints?: readonly DriftAuditVpcEndpointName[];
}

/** What the functions get from the network: the props of a Lambda function in the VPC. */
export interface FunctionNetwork {
  readonly vpc: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups: ISecurityGroup[];
}

/** The functions' placement and the endpoints created for them. */
export interface AuditorNetwork {
  readonly functionNetwork: FunctionNetwork;
  readonly securityGroups: readonly ISecurityGroup[];
  readonly endpoints: Readonly<Partial<Record<DriftAuditVpcEndpointName, InterfaceVpcEndpoint | GatewayVpcEndpoint>>>;
}

/**
 * The functions' security groups (given, or one created with outbound 443 only) and the endpoints
 * asked for. Interface endpoints get their own security group open on 443 to the functions' groups
 * only (`open: false`: not to the whole VPC CIDR); gateway endpoints go on the subnets' route tables.
 */
export function createAuditorNetwork(scope: Construct, network: DriftAuditorNetworkProps): AuditorNetwork {
  const securityGroups =
    network.securityGroups !== undefined && network.securityGroups.length > 0 ? [...network.securityGroups] : [defaultSecurityGroup(scope, network.vpc)];
  const subnets = network.subnets;
  const endpoints: Partial<Record<DriftAuditVpcEndpointName, InterfaceVpcEndpoint | GatewayVpcEndpoint>> = {};
  for (const name of [...new Set(network.endpoints ?? [])].sort()) {
    const service = DRIFT_AUDIT_VPC_ENDPOINTS[name];
    const id = `${name.charAt(0).toUpperCase()}${name.slice(1)}Endpoint`;
    if (service instanceof GatewayVpcEndpointAwsService) {
      endpoints[name] = new GatewayVpcEndpoint(scope, id, { vpc: network.vpc, service, ...(subnets === undefined ? {} : { subnets: [subnets] }) });
    } else {
      const endpoint = new InterfaceVpcEndpoint(scope, id, {
        vpc: network.vpc,
        service,
        open: false,
        privateDnsEnabled: true,
        ...(subnets === undefined ? {} : { subnets }),
      });
      for (const group of securityGroups) endpoint.connections.allowDefaultPortFrom(group, 'drift-audit functions');
      endpoints[name] = endpoint;
    }
  }
  return {
    functionNetwork: { vpc: network.vpc, ...(subnets === undefined ? {} : { vpcSubnets: subnets }), securityGroups },
    securityGroups,
    endpoints,
  };
}

function defaultSecurityGroup(scope: Construct, vpc: IVpc): SecurityGroup {
  const group = new SecurityGroup(scope, 'FunctionSecurityGroup', {
    vpc,
    description: 'drift-audit functions: no inbound; outbound HTTPS to AWS APIs and private cluster endpoints',
    allowAllOutbound: false,
  });
  // DNS to the VPC resolver is not filtered by security groups, so HTTPS is all the run needs.
  group.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS: AWS APIs, VPC endpoints, EKS private endpoints, Slack');
  return group;
}

/**
 * What a function's own role needs to run in a VPC: Lambda creates and deletes the function's network
 * interfaces with the execution role's permissions, and the construct's roles are its own (so CDK
 * does not attach AWSLambdaVPCAccessExecutionRole, whose `Resource: *` covers every account). These
 * are that policy's EC2 actions, with Create/Delete/Assign/Unassign scoped to this account and region
 * as the Lambda developer guide allows; the two Describe actions work only on `*`.
 * Source: docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html and the AWS managed policy
 * AWSLambdaVPCAccessExecutionRole (v3).
 */
export function grantNetworkInterfaces(scope: Construct, role: Role): void {
  const stack = Stack.of(scope);
  const statements = [
    new PolicyStatement({
      sid: 'ManageFunctionNetworkInterfaces',
      actions: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      resources: [`arn:${stack.partition}:ec2:${stack.region}:${stack.account}:*/*`],
    }),
    new PolicyStatement({
      sid: 'DescribeFunctionNetworkInterfaces',
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
      resources: ['*'],
    }),
  ];
  for (const statement of statements) role.addToPrincipalPolicy(statement);
  acknowledgeWildcards(
    role,
    statements,
    'Lambda creates the network interfaces of a function in a VPC with its execution role: Create/Delete/Assign/Unassign ' +
      "are limited to this account and region (the interface ids do not exist before Lambda creates them), and EC2's " +
      'DescribeNetworkInterfaces and DescribeSubnets accept no resource other than *.',
  );
}

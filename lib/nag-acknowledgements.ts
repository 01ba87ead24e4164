import { Stack, Validations } from 'aws-cdk-lib';
import type { PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges the cdk-nag `AwsSolutions-IAM5` findings of exactly these statements, with a reason.
 *
 * cdk-nag 3 matches finding-level acknowledgements by exact id (`AwsSolutions-IAM5[Resource::...]`),
 * and a rule-level acknowledgement does not cover findings. Computing the ids from the statements
 * themselves keeps each acknowledgement as narrow as the wildcard it excuses: a new wildcard added
 * later is reported, not silently covered.
 */
export function acknowledgeWildcards(scope: IConstruct, statements: readonly PolicyStatement[] | PolicyDocument, reason: string): void {
  const list = Array.isArray(statements)
    ? (statements as readonly PolicyStatement[]).map((statement) => statement.toStatementJson() as unknown)
    : ((Stack.of(scope).resolve((statements as PolicyDocument).toJSON()) as { Statement?: unknown[] } | undefined)?.Statement ?? []);
  for (const id of wildcardFindingIds(scope, list)) {
    Validations.of(scope).acknowledge({ id, reason });
  }
}

/** The `AwsSolutions-IAM5[...]` ids cdk-nag reports for these statement JSONs, sorted. */
export function wildcardFindingIds(scope: IConstruct, statements: readonly unknown[]): string[] {
  const ids = new Set<string>();
  for (const raw of statements) {
    const statement = Stack.of(scope).resolve(raw) as { Effect?: string; Action?: unknown; Resource?: unknown };
    if (statement.Effect !== 'Allow') continue;
    for (const action of asArray(statement.Action)) {
      const text = flattenCfnReference(action);
      if (text.includes('*')) ids.add(`AwsSolutions-IAM5[Action::${text}]`);
    }
    for (const resource of asArray(statement.Resource)) {
      const text = flattenCfnReference(resource);
      if (text.includes('*')) ids.add(`AwsSolutions-IAM5[Resource::${text}]`);
    }
  }
  return [...ids].sort();
}

/**
 * Renders a resolved CloudFormation value as a flat string, the way cdk-nag names findings:
 * `Ref` -> `<Name>`, `Fn::GetAtt` -> `<Resource.Attr>`, `Fn::Join` joined, `${x}` in Fn::Sub -> `<x>`.
 */
export function flattenCfnReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return flattenCfnReference(node['Fn::Sub']);
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return flattenCfnReference(node['Fn::ImportValue']);
    if (node.Ref !== undefined) return `<${flattenCfnReference(node.Ref)}>`;
  }
  return JSON.stringify(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

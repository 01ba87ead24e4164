import type { SsmSourceSpec } from '../../engine/model.js';
import type { IamPlacement, ReadAccess } from '../source-kind.js';

/** Statement ids of the SSM read permissions, stable so tests and reviewers can find each one. */
export const SSM_STATEMENT_SIDS = {
  parameterTrees: 'ReadDeclaredParameterTrees',
  describeParameters: 'DescribeParameterMetadata',
} as const;

/** `/a/b`, `a/b/` and `/a/b/` all become `/a/b/`; the root stays `/`. */
export function normaliseScopePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/**
 * The ARNs a path tree needs: GetParametersByPath is authorised against the requested path itself
 * (`parameter/prod/api`), GetParameters against each parameter (`parameter/prod/api/*`). Granting
 * `parameter/prod/api*` instead would also open `/prod/api-admin/`.
 */
export function parameterTreeResourceArns(
  placement: IamPlacement,
  entry: { readonly path: string; readonly region?: string; readonly account?: string },
): string[] {
  const prefix = `arn:${placement.partition}:ssm:${entry.region ?? placement.region}:${entry.account ?? placement.account}:parameter`;
  const trimmed = entry.path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [`${prefix}/*`] : [`${prefix}/${trimmed}`, `${prefix}/${trimmed}/*`];
}

/**
 * SSM trees: GetParametersByPath + GetParameters on the declared trees only, and DescribeParameters on
 * `*` (the action has no resource-level permission; it returns metadata only). No `kms:Decrypt`:
 * SecureString values are never decrypted.
 */
export const ssmReadAccess: ReadAccess<SsmSourceSpec> = {
  scopePart: 'ssm',
  scopeEntry(spec, { environment, account, roleArn }) {
    const path = normaliseScopePath(spec.path);
    const region = spec.region ?? environment.region;
    return { fields: { path, region, account, roleArn }, sortKey: [account, region, roleArn, path] };
  },
  statements(entries, placement) {
    // This kind's own scope entries: the fields scopeEntry gave them.
    const trees = entries as readonly { path: string; region?: string; account?: string }[];
    const arns = [...new Set(trees.flatMap((entry) => parameterTreeResourceArns(placement, entry)))];
    if (arns.length === 0) return [];
    return [
      { name: 'parameterTrees', sid: SSM_STATEMENT_SIDS.parameterTrees, actions: ['ssm:GetParametersByPath', 'ssm:GetParameters'], resources: arns },
      { name: 'describeParameters', sid: SSM_STATEMENT_SIDS.describeParameters, actions: ['ssm:DescribeParameters'], resources: ['*'] },
    ];
  },
};

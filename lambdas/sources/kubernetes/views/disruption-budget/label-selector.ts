import { asArray, asRecord, asString } from '../../unknown-shape.js';

/**
 * Whether a metav1.LabelSelector matches a set of labels: every `matchLabels` pair and every
 * `matchExpressions` requirement (In, NotIn, Exists, DoesNotExist) must hold. For a PDB in policy/v1
 * a null selector matches no pods and an empty one (`{}`) matches every pod of the namespace.
 */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const record = asRecord(selector);
  if (record === undefined) return false;
  for (const [key, value] of Object.entries(asRecord(record['matchLabels']) ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const item of asArray(record['matchExpressions'])) {
    const requirement = asRecord(item);
    const key = asString(requirement?.['key']);
    const operator = asString(requirement?.['operator']);
    if (key === undefined || operator === undefined) return false;
    const values = asArray(requirement?.['values']).filter((value): value is string => typeof value === 'string');
    const has = Object.hasOwn(labels, key);
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key] as string)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key] as string)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

// What an edit may write and as which YAML type: secrets are refused, values typed as the schema and the
// setting's declared type say.
import { z } from 'zod';
import type { Baseline, BaselineEdit, Constraints } from '../model.js';
import { settingFor } from '../analyse/setting-for.js';
import { detectSecret } from '../secrets/detect-secret.js';
import { describeSecretFormat } from '../secrets/secret-format.js';
import { optsOutOfDetection } from '../secrets/setting-secrecy.js';
import type { DocumentPath } from './baseline-document.js';
import { BaselineEditError } from './baseline-edit-error.js';
import { splitApplication } from './baseline-edit-paths.js';
import { baselineFileSchema } from './baseline-schema.js';
import { schemasAt } from './schemas-at.js';

/** A value as an edit writes it into the YAML document. */
export type EditValue = string | number | boolean | null | Record<string, string | number | boolean>;

/**
 * Refuses to write a value for a secret setting, shared (`settings.KEY...`) or of one application
 * (`applications.APP.settings.KEY...`): secrets are audited by presence only.
 */
export function refuseSecretValue(baseline: Baseline, path: readonly string[], op: string, value: BaselineEdit['value']): void {
  if (op === 'delete' || value === null || value === undefined) return;
  const { inner, application } = splitApplication(path);
  refuseSecretShapedValue(baseline, path, inner, application, value);
  const [section, key, field] = inner;
  if (key === undefined || settingFor(baseline, key, application)?.secret !== true) return;
  const writesValue =
    section === 'expected_differences' ||
    (section === 'settings' && (field === 'value' || field === 'environments' || field === 'tiers' || field === 'enum' || field === 'pattern'));
  if (writesValue) {
    throw new BaselineEditError('secret-value', `cannot write ${path.join('.')}: ${key} is secret, and secrets are audited by presence only`);
  }
}

/**
 * Refuses to write a value whose shape is secret (a password in a URL, a token, a private key; see
 * `detectSecret`), whatever its key: the engine never shows such a value, and git must never hold
 * it. The message says how to declare the key instead and never repeats the value. A key the
 * baseline declares `secret: false` explicitly has said its values are not secret.
 */
function refuseSecretShapedValue(
  baseline: Baseline,
  path: readonly string[],
  inner: readonly string[],
  application: string | undefined,
  value: NonNullable<BaselineEdit['value']>,
): void {
  const record = typeof value === 'object' ? value : undefined;
  const text = record === undefined ? (value as string) : record['value'];
  const key = record === undefined ? inner[1] : (record['key'] ?? inner[1]);
  if (text === undefined || key === undefined || optsOutOfDetection(settingFor(baseline, key, application))) return;
  const format = detectSecret(text);
  if (format === undefined) return;
  // Where the edit writes: an application's settings, or the shared ones.
  const where = (application === undefined ? ['settings', key] : ['applications', application, 'settings', key]).join('.');
  throw new BaselineEditError(
    'secret-value',
    `cannot write ${path.join('.')}: the value looks like ${describeSecretFormat(format)}, and a secret is never written to the baseline; ` +
      `declare ${where}.secret: true instead (${key} is then audited by presence only), ` +
      `or ${where}.secret: false if the value is not secret`,
  );
}

/**
 * Writes `value` the way the schema accepts it at `path`: booleans and numbers where no string is
 * allowed; and a setting's value as its declared `type` says (`integer`: `120`, not `"120"`).
 */
export function coerce(path: DocumentPath, value: NonNullable<BaselineEdit['value']> | null, declared?: DeclaredType): EditValue {
  if (value === null) return null;
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([field, inner]) => [field, coerceScalar([...path, field], inner)]));
  }
  return coerceScalar(path, value, declared);
}

type DeclaredType = NonNullable<Constraints['type']>;

/** Paths whose scalar is a value of a setting (shared or an application's): its value and its expected differences. */
export function declaredTypeAt(baseline: Baseline, path: readonly string[]): DeclaredType | undefined {
  const { inner, application } = splitApplication(path);
  const [section, key, field] = inner;
  if (key === undefined) return undefined;
  const holdsValue =
    (section === 'settings' &&
      (inner.length === 2 || (inner.length === 3 && field === 'value') || (inner.length === 4 && (field === 'environments' || field === 'tiers')))) ||
    (section === 'expected_differences' && inner.length === 3);
  return holdsValue ? settingFor(baseline, key, application)?.constraints.type : undefined;
}

/**
 * The YAML scalar for a value of a setting of `type`: a number when the text is exactly how that
 * number is written (`010` or `1.50` stay strings, so they read back as written), a boolean for
 * `true`/`false`; the text otherwise. Both read back as the same string: the scalar's kind only
 * says to the reader what the setting holds.
 */
function typedScalar(value: string, type: DeclaredType | undefined): string | number | boolean | undefined {
  if ((type === 'integer' || type === 'number') && value.trim() === value && value !== '' && String(Number(value)) === value) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return undefined;
}

function coerceScalar(path: DocumentPath, value: string, declared?: DeclaredType): string | number | boolean {
  const typed = typedScalar(value, declared);
  if (typed !== undefined) return typed;
  const schemas = schemasAt(baselineFileSchema, path);
  const acceptsString = schemas.length === 0 || schemas.some((schema) => schema instanceof z.ZodString || schema instanceof z.ZodEnum);
  if (acceptsString) return value;
  if (schemas.some((schema) => schema instanceof z.ZodBoolean) && (value === 'true' || value === 'false')) return value === 'true';
  const acceptsNumber = schemas.some((schema) => schema instanceof z.ZodNumber || schema instanceof z.ZodLiteral);
  if (acceptsNumber && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

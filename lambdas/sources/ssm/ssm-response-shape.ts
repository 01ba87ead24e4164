import type { GetParametersResult, Parameter, ParameterMetadata } from '@aws-sdk/client-ssm';
import { MalformedResponseError } from '../aws/malformed-response-error.js';

/*
 * What the SSM reader relies on in each answer, checked before anything is read from it.
 *
 * The SDK's JSON 1.1 deserializer reads a zero-byte body as `{}` (smithy's `parseJsonBody` returns an
 * empty object for an empty input) and its models mark every output member optional, so an empty or
 * cut answer comes back as a success with no `Parameters`: read as "no parameters", it would make every
 * declared key `missing` and resolve every open finding. SSM itself always sends the list, empty or
 * not (a page filtered down to nothing still carries `"Parameters": []` and its NextToken), so an
 * answer without it is not SSM's answer and fails the read. Only the fields the reader uses are
 * checked; anything else passes through untouched.
 */

/** A page of DescribeParameters: `Parameters`, each with a `Name`. */
export function checkDescribePage(output: { readonly Parameters?: ParameterMetadata[] | undefined }): ParameterMetadata[] {
  return checkList('DescribeParameters', output.Parameters, (item) => typeof item.Name === 'string' && item.Name !== '', 'without a Name');
}

/**
 * A page of GetParametersByPath or an answer of GetParameters: `Parameters`, each with a `Name`, a
 * `Type` and a `Value` (SSM returns the ciphertext for a SecureString read without decryption, so a
 * value is always there; without its type, a SecureString's ciphertext could be taken for a value).
 */
export function checkValuesPage(operation: 'GetParametersByPath' | 'GetParameters', output: { readonly Parameters?: Parameter[] | undefined }): Parameter[] {
  return checkList(
    operation,
    output.Parameters,
    (item) => typeof item.Name === 'string' && item.Name !== '' && typeof item.Type === 'string' && typeof item.Value === 'string',
    'without its Name, Type or Value',
  );
}

/**
 * An answer of GetParameters for `names`: every name asked for comes back, either in `Parameters` or
 * in `InvalidParameters` (deleted since the listing). A name in neither was dropped on the way; reading
 * on would report it missing.
 */
export function checkGetParameters(names: readonly string[], output: GetParametersResult): Parameter[] {
  const parameters = checkValuesPage('GetParameters', output);
  const invalid = output.InvalidParameters;
  if (invalid !== undefined && (!Array.isArray(invalid) || !invalid.every((name) => typeof name === 'string'))) {
    throw new MalformedResponseError('GetParameters', 'with an InvalidParameters field that is not a list of names');
  }
  const answered = new Set([...parameters.map((p) => p.Name), ...(invalid ?? [])]);
  const dropped = names.filter((name) => !answered.has(name)).length;
  if (dropped > 0) {
    throw new MalformedResponseError('GetParameters', `without ${dropped} of the ${names.length} names asked for, in neither Parameters nor InvalidParameters`);
  }
  return parameters;
}

function checkList<T>(operation: string, list: T[] | undefined, valid: (item: T) => boolean, invalidWhy: string): T[] {
  if (!Array.isArray(list)) throw new MalformedResponseError(operation, 'without a Parameters list');
  const bad = list.filter((item) => typeof item !== 'object' || item === null || !valid(item)).length;
  if (bad > 0) throw new MalformedResponseError(operation, `with ${bad} of ${list.length} parameters ${invalidWhy}`);
  return list;
}

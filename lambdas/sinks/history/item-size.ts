/**
 * DynamoDB's item size, by the rules of "DynamoDB item sizes and formats" (Developer Guide): the sum
 * of the UTF-8 lengths of attribute names and values; a number takes about one byte per two
 * significant digits plus one; a boolean or null one byte; a list or map 3 bytes plus its elements,
 * each element one byte more; a set the sum of its elements. Attribute names inside maps count too.
 */
export function itemSizeBytes(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue; // the document client drops undefined attributes
    size += Buffer.byteLength(name) + valueSize(value);
  }
  return size;
}

/** DynamoDB rejects items over 400 KB (binary units: 409,600 bytes), indexes included. */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

function valueSize(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number')
    return (
      Math.ceil(
        String(Math.abs(value))
          .replace(/[.-]/g, '')
          .replace(/^0+|0+$/g, '').length / 2,
      ) + 1
    );
  if (typeof value === 'boolean' || value === null) return 1;
  if (value instanceof Set) return [...value].reduce<number>((sum, element) => sum + valueSize(element), 0);
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + valueSize(element), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value).reduce<number>((sum, [name, inner]) => sum + 1 + Buffer.byteLength(name) + valueSize(inner), 0);
  }
  return 0;
}

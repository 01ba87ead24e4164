/**
 * True when a credential slot holds a reference or a mask rather than a credential:
 * `${DB_PASSWORD}`, `$(DB_PASSWORD)` (Kubernetes expansion), `$PASS`, `{{ .Values.password }}`,
 * `<password>`, `%s`, `****`, `xxxx`, or nothing at all. Such values are compared and shown like any
 * other: they hold no secret, and seeing the reference is what a reviewer needs.
 */
export function isPlaceholder(text: string): boolean {
  const value = text.trim();
  if (value === '') return true;
  const first = value[0];
  if (first === '$' || first === '%') return true;
  if (value.startsWith('{{') || (first === '{' && value.endsWith('}'))) return true;
  if (first === '<' && value.endsWith('>')) return true;
  return /^(?:\*+|x+|X+|•+|\.{3,})$/.test(value);
}

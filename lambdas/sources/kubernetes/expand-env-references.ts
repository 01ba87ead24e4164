/**
 * Expands `$(VAR)` references in a container `env` value exactly as the kubelet does
 * (k8s.io/kubernetes third_party/forked/golang/expansion): `$(NAME)` becomes the value of a variable
 * defined earlier for the container (every `envFrom` variable, and `env` entries above this one),
 * `$$` becomes `$` (so `$$(NAME)` is the literal `$(NAME)`), a reference to an undefined variable
 * and an unclosed `$(` are left as written, and any other `$x` is kept as is.
 *
 * Service-link variables (`REDIS_SERVICE_HOST`, ...) are defined by the kubelet from the cluster's
 * Services and are not configuration: a reference to one is left unexpanded, and `unresolved` says
 * so, which is also what the kubelet does when the Service does not exist.
 */
export interface ExpandedValue {
  readonly value: string;
  /** Names referenced and found. */
  readonly referenced: readonly string[];
  /** Names referenced but not defined (left as `$(NAME)` in `value`). */
  readonly unresolved: readonly string[];
}

/** Expands `input` with `lookup`, which returns a defined variable's value or undefined. */
export function expandEnvReferences(input: string, lookup: (name: string) => string | undefined): ExpandedValue {
  if (!input.includes('$')) return { value: input, referenced: [], unresolved: [] };
  const referenced: string[] = [];
  const unresolved: string[] = [];
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor += 1) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance: number;
    if (next === '$') {
      out += '$';
      advance = 1;
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        out += '$(';
        advance = 1;
      } else {
        const name = input.slice(cursor + 2, close);
        const value = lookup(name);
        if (value === undefined) {
          unresolved.push(name);
          out += `$(${name})`;
        } else {
          referenced.push(name);
          out += value;
        }
        advance = close - cursor;
      }
    } else {
      out += `$${next}`;
      advance = 1;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return { value: out + input.slice(checkpoint), referenced, unresolved };
}

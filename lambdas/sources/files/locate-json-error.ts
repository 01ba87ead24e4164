/** The first syntax error of a JSON text: where, and what was expected there. */
export interface JsonSyntaxError {
  /** UTF-16 offset of the offending character (the text length for an early end). */
  readonly offset: number;
  /** What was wrong, without quoting the text (it may hold a secret). */
  readonly reason: string;
}

/**
 * Finds the first syntax error of a text `JSON.parse` rejected.
 *
 * Node's own messages quote a slice of the input (`Unexpected token 's', "...secretvalu"... is not
 * valid JSON`) and often give no position: neither may reach a report, and people need a line and a
 * column. A small recursive-descent scan, run only after `JSON.parse` failed, gives both.
 * Returns undefined when the text is valid JSON.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.skipWhitespace();
    scanner.value(0);
    scanner.skipWhitespace();
    if (scanner.pos < text.length) scanner.fail('unexpected content after the end of the JSON value');
    return undefined;
  } catch (error) {
    if (error instanceof ScanError) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}

class ScanError extends Error {
  override readonly name = 'ScanError';
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Deeper nesting is refused rather than risking the call stack on hostile input. */
const MAX_DEPTH = 2_000;

class Scanner {
  pos = 0;
  constructor(private readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    throw new ScanError(at, this.pos >= this.text.length && at >= this.text.length ? 'unexpected end of input' : reason);
  }

  skipWhitespace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos] ?? '')) this.pos++;
  }

  value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const char = this.text[this.pos];
    if (char === '{') {
      this.object(depth);
      return;
    }
    if (char === '[') {
      this.array(depth);
      return;
    }
    if (char === '"') {
      this.string();
      return;
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      this.number();
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return;
      }
    }
    this.fail('expected a value (string, number, object, array, true, false or null)');
  }

  private object(depth: number): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
      this.string();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after the property name");
      this.pos++;
      this.skipWhitespace();
      this.value(depth + 1);
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === '}') return;
      if (next !== ',') this.fail("expected ',' or '}' after a property value", this.pos - 1);
    }
  }

  private array(depth: number): void {
    this.pos++;
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      this.value(depth + 1);
      this.skipWhitespace();
      const next = this.text[this.pos];
      this.pos++;
      if (next === ']') return;
      if (next !== ',') this.fail("expected ',' or ']' after an array element", this.pos - 1);
    }
  }

  private string(): void {
    const start = this.pos;
    this.pos++;
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (char === '"') {
        this.pos++;
        return;
      }
      if (char === '\\') {
        const escaped = this.text[this.pos + 1];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('invalid \\u escape');
          this.pos += 6;
          continue;
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped)) this.fail('invalid escape in a string');
        this.pos += 2;
        continue;
      }
      if (char !== undefined && char < ' ') this.fail('control character in a string (unescaped newline?)');
      this.pos++;
    }
    this.fail('unterminated string', start);
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (match === null || match[0] === '' || match[0] === '-') this.fail('invalid number');
    this.pos += match[0].length;
  }
}

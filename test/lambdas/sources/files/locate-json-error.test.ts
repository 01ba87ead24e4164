import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../../../lambdas/sources/files/locate-json-error.js';

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('Function: locateJsonError', () => {
  it.each([
    ['{"a": 1,\n "b": secret}', 15, 'expected a value (string, number, object, array, true, false or null)'],
    ['{"a": 1 "b": 2}', 8, "expected ',' or '}' after a property value"],
    ['{"a": 1', 7, 'unexpected end of input'],
    ['[1, 2,]', 6, 'expected a value (string, number, object, array, true, false or null)'],
    ['{"a": "line\nbreak"}', 11, 'control character in a string (unescaped newline?)'],
    ['{"a": "unterminated', 6, 'unterminated string'],
    ['{"a": 1}}', 8, 'unexpected content after the end of the JSON value'],
    ["{'a': 1}", 1, 'expected a property name in double quotes'],
    ['{"a": 01}', 7, "expected ',' or '}' after a property value"],
  ])('locates the error in %j', (text, offset, reason) => {
    expect(parses(text)).toBe(false);
    expect(locateJsonError(text)).toEqual({ offset, reason });
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.json().map((json) => json.slice(0, -1)),
        ),
        (text) => {
          expect(locateJsonError(text) === undefined).toBe(parses(text));
        },
      ),
      { numRuns: 500 },
    );
  });
});

/**
 * Resource limits on one JSON value read from user input (a trace line, a saved result, graph
 * or baseline), so that exhaustion becomes an input error at `file:line:col` instead of a
 * stack overflow or a silent loss of digits further on:
 * - nesting: no format lockdep reads nests deeper than a few levels; a value nested deeper than
 *   MAX_JSON_DEPTH is refused before it is parsed (reporters and validators walk values
 *   recursively);
 * - numbers used as ids: beyond 2^53 two different ids written in the file become the same
 *   double (and 1e400 becomes Infinity), so such an id is refused (write it as a string).
 * Invariant: the depth scan is linear, iterative and allocation-free; it skips string contents.
 */

/** The deepest nesting of arrays and objects accepted in one JSON value. */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const OPEN_BRACE = 123;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;

/**
 * The offset of the first `[` or `{` that opens level `limit + 1`, or -1 when the text never
 * nests deeper than `limit` (brackets inside strings do not count; the text need not be valid).
 */
export function findNestingOverflow(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < length; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE) break;
      }
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > limit) return i;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return -1;
}

/** What the nesting error says, completing "`file:line:col`: ". */
export function nestingMessage(limit = MAX_JSON_DEPTH): string {
  return `JSON nested deeper than ${limit} levels (lockdep's formats nest a few levels; is this the right file?)`;
}

/** True for a number that can stand for an id without losing digits: finite, at most 2^53 - 1 in magnitude. */
export function isExactNumberId(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
}

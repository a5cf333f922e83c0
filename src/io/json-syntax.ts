/**
 * Locates the first syntax error in JSON text, for messages that name `file:line:col` (V8's
 * JSON.parse messages do not always carry a position, and their wording changes between Node
 * versions). A small iterative scanner over the JSON grammar (RFC 8259); it is only run after
 * JSON.parse has failed. Used for JSONL trace lines and for saved JSON files (results, graphs,
 * baselines). Invariant: returns the offset of the first character that cannot continue a valid
 * document, with a short description.
 */

export interface JsonSyntaxProblem {
  offset: number;
  message: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** `true`, `false`, `null` or a number, matched in place (sticky: no copy of the rest of the text). */
const SCALAR = /true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function describe(text: string, offset: number): string {
  return offset >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[offset])}`;
}

/** The first syntax problem, or null when the text is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  let i = 0;
  const skip = () => { while (i < text.length && WHITESPACE.has(text[i] as string)) i++; };
  const fail = (message?: string): JsonSyntaxProblem => ({ offset: i, message: message ?? describe(text, i) });
  // Stack of open containers: '{' or '['; `expect` says what may come next.
  const stack: string[] = [];
  type Expect = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';
  let expect = 'value' as Expect;

  const scanString = (): JsonSyntaxProblem | null => {
    i++; // opening quote
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === '"') { i++; return null; }
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i += 2; return fail('invalid \\u escape'); }
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else { i++; return fail('invalid escape in string'); }
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) return fail('control character in string');
      i++;
    }
    return fail('unterminated string');
  };

  const scanScalar = (): JsonSyntaxProblem | null => {
    SCALAR.lastIndex = i;
    const literal = SCALAR.exec(text);
    if (!literal) return fail();
    i += literal[0].length;
    return null;
  };

  const afterValue = (): void => { expect = stack.length === 0 ? 'end' : 'comma-or-close'; };

  for (;;) {
    skip();
    const ch = text[i];
    if (expect === 'end') return ch === undefined ? null : fail();
    if (ch === undefined) return fail();
    if (expect === 'colon') {
      if (ch !== ':') return fail("expected ':' after a key");
      i++; expect = 'value'; continue;
    }
    if (expect === 'comma-or-close') {
      const top = stack[stack.length - 1];
      if (ch === ',') { i++; expect = top === '{' ? 'key' : 'value'; continue; }
      if ((ch === '}' && top === '{') || (ch === ']' && top === '[')) { i++; stack.pop(); afterValue(); continue; }
      return fail(`expected ',' or '${top === '{' ? '}' : ']'}'`);
    }
    if (expect === 'key' || expect === 'key-or-close') {
      if (ch === '}' && expect === 'key-or-close') { i++; stack.pop(); afterValue(); continue; }
      if (ch !== '"') return fail('expected a quoted key');
      const problem = scanString();
      if (problem) return problem;
      expect = 'colon'; continue;
    }
    // A value (or, right after '[', a close).
    if (ch === ']' && expect === 'value-or-close') { i++; stack.pop(); afterValue(); continue; }
    if (ch === '{') { i++; stack.push('{'); expect = 'key-or-close'; continue; }
    if (ch === '[') { i++; stack.push('['); expect = 'value-or-close'; continue; }
    const problem = ch === '"' ? scanString() : scanScalar();
    if (problem) return problem;
    afterValue();
  }
}

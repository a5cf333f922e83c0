/**
 * Pieces of the `lockdep infer` YAML, pushed onto the array the printer joins once at the end:
 * a double-quoted scalar (JSON string syntax, which YAML reads back unchanged) and a rule
 * field's head (`  - id: `). A name that JSON would not escape is pushed as it is between two
 * quote pieces, so the common case allocates nothing; any other goes through JSON.stringify.
 * Invariant: the pieces of a scalar join to exactly `JSON.stringify(text)`.
 */

/** Pushes `text` as a double-quoted scalar followed by `after` (a few separators, each joined to the closing quote once). */
export function pushQuoted(out: string[], text: string, after: string): void {
  if (needsEscape(text)) out.push(JSON.stringify(text), after);
  else out.push('"', text, closing(after));
}

const CLOSINGS = new Map<string, string>();

function closing(after: string): string {
  let close = CLOSINGS.get(after);
  if (close === undefined) CLOSINGS.set(after, (close = `"${after}`));
  return close;
}

/** Whether JSON.stringify escapes a character of `text`: a control character, `"`, `\`, or a surrogate (it escapes lone ones). */
export function needsEscape(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true;
  }
  return false;
}

const FIRST_HEADS = new Map<string, string>();
const NEXT_HEADS = new Map<string, string>();

/** `  - field` for a rule's first field, `    field` for the others (made once per field name). */
export function fieldHead(first: boolean, field: string): string {
  const heads = first ? FIRST_HEADS : NEXT_HEADS;
  let head = heads.get(field);
  if (head === undefined) heads.set(field, (head = `${first ? '  - ' : '    '}${field}`));
  return head;
}

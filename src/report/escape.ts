/**
 * Escaping for the markup formats. Every user-supplied name (class, lock, task, site, file,
 * message) passes through one of these before it reaches HTML, SVG, XML or Markdown output.
 * Invariants: the output of `escapeHtml`/`escapeXml` contains no `<`, `>`, `&` (other than the
 * entities it wrote), `"` or `'`; `escapeXml` also replaces characters XML 1.0 forbids, so a
 * hostile name can never make a JUnit or GraphML file ill-formed.
 */

const HTML_ENTITIES = new Map<string, string>([
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&#39;'],
  ['\r', '&#13;'],
]);

/** Escapes text for HTML element content and quoted attribute values (CR as a character reference, so it survives). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (ch) => HTML_ENTITIES.get(ch) ?? ch);
}

// XML 1.0 allows #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// eslint-disable-next-line no-control-regex -- finds the control characters XML forbids
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text with the characters XML 1.0 cannot carry replaced by U+FFFD, for XML writers that escape markup themselves. */
export function xmlCharacters(text: string): string {
  return text.replace(XML_FORBIDDEN, '\uFFFD');
}

/** Escapes text for XML content and attributes; characters XML cannot carry become U+FFFD. */
export function escapeXml(text: string): string {
  return escapeHtml(xmlCharacters(text));
}

/** Escapes text for an XML attribute value: also LF and TAB, which attribute normalization would turn into spaces. */
export function escapeXmlAttribute(text: string): string {
  return escapeXml(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/**
 * Escapes text for Markdown (GitHub flavoured) so it renders literally: HTML is entity-escaped
 * (GitHub would otherwise pass some tags through) and the inline Markdown punctuation
 * (emphasis, code, links, tables, strikethrough) is backslash-escaped. Callers only place text
 * after other text on a line (list item, table cell, heading), so line-start markers such as
 * `#`, `-`, `+` and `1.` cannot take effect. Newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  const punctuationEscaped = text
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (ch) => `\\${ch}`);
  return escapeHtml(punctuationEscaped);
}

/**
 * Characters a terminal acts on or that change how a line reads: C0 controls (CR, LF, TAB and
 * ESC included, so no ANSI sequence and no line break can come from a name), DEL, C1 controls,
 * the Unicode line and paragraph separators, and the bidirectional overrides and isolates.
 */
// eslint-disable-next-line no-control-regex -- finds the control characters a terminal acts on
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const TERMINAL_NAMED = new Map<string, string>([['\n', '\\n'], ['\r', '\\r'], ['\t', '\\t'], ['\u001b', '\\e']]);

/**
 * Escapes text for a terminal line (text report, error messages): every character of
 * TERMINAL_UNSAFE becomes a visible escape (`\n`, `\e`, `\x07`, `\u202e`), so a hostile name
 * can neither color, move the cursor, rewrite the line nor fake another line of output.
 */
export function escapeTerminal(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (ch) => {
    const named = TERMINAL_NAMED.get(ch);
    if (named !== undefined) return named;
    const code = ch.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

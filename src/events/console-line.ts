/**
 * The text of one kernel console-log line without what the log's carrier added in front of it:
 * mail quoting (`> `, `>> `), syslog's `Apr  9 16:20:26 host kernel: `, the printk level
 * `<4>`, the timestamp `[   12.345678]` and the caller id `[T1234]` / `[C3]` (CONFIG_PRINTK_CALLER).
 * Owns those prefixes and nothing else: the kernel's own indentation stays, so a caller trims
 * when it compares text.
 * Invariants: a line without any prefix comes back unchanged; stripping never throws; the cost
 * of a line without prefix is a few character tests (console logs are mostly other text).
 */

const QUOTE = /^(?:>[ \t]?)+/;
const SYSLOG = /^[A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d (?:\S+ ){0,2}kernel: /;
const LEVEL = /^<\d>/;
const TIMESTAMP = /^\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])?/;

/** The console text of `line`: prefixes stripped, one separating space after a timestamp removed. */
export function consoleText(line: string): string {
  let text = line;
  const first = text.charCodeAt(0);
  // '>' mail quoting, '<' printk level, '[' timestamp, 'A'-'Z' syslog month: anything else has no prefix.
  if (first !== 62 && first !== 60 && first !== 91 && !(first >= 65 && first <= 90)) return text;
  const quote = QUOTE.exec(text);
  if (quote !== null) text = text.slice(quote[0].length);
  const syslog = SYSLOG.exec(text);
  if (syslog !== null) text = text.slice(syslog[0].length);
  const level = LEVEL.exec(text);
  if (level !== null) text = text.slice(level[0].length);
  const stamp = TIMESTAMP.exec(text);
  if (stamp !== null) {
    text = text.slice(stamp[0].length);
    if (text.charCodeAt(0) === 32) text = text.slice(1);
  }
  return text;
}

/** A line that only a kernel console log prints: a printk timestamp, optionally after a level. */
export function hasConsoleTimestamp(line: string): boolean {
  return /^(?:<\d>)?\[\s*\d+\.\d{6}\](?:\[\s*[TC]\d+\])? /.test(line);
}

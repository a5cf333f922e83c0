/**
 * The notices of a result (rules a /proc/lockdep graph cannot decide, kernel statistics,
 * recording stopped) as text lines after the text report, one `note:` line each.
 * Invariant: pure; names are terminal-escaped; no notices, no lines.
 */
import type { CheckResult } from '../engine/result.js';
import { escapeTerminal } from './escape.js';

/** The text report followed by one line per notice. */
export function withNoticeLines(report: string, result: CheckResult): string {
  const notices = result.notices ?? [];
  if (notices.length === 0) return report;
  const lines = notices.map((notice) => {
    const where = notice.line !== undefined ? `${notice.file}:${notice.line}` : notice.file;
    return `note: ${escapeTerminal(where)}: ${escapeTerminal(notice.message)}`;
  });
  return `${report}${lines.join('\n')}\n`;
}

/**
 * The text report of a finding read from a kernel console log: the kernel's own report, as it
 * was printed (console prefixes stripped, backtrace left out), under the report's own header,
 * with where it is in the log and whether the log cut it short. Every kind of finding read from
 * a console log is rendered by it (text.ts), whatever its kind's own renderer.
 * Invariant: like every text renderer, a pure function of the (already escaped) finding; a
 * finding without its report text (not read from a console log) degrades to its message.
 */
import type { Finding } from '../engine/finding.js';
import type { ReportWriter } from './report-writer.js';

function splatHeader(finding: Finding): string {
  return finding.splat?.header ?? `WARNING: ${finding.kind}`;
}

function renderSplat(w: ReportWriter): void {
  const f = w.finding;
  const splat = f.splat;
  if (splat === undefined) {
    w.line(f.message);
    return;
  }
  // The banner prints the header and its rules; the kernel's own rules under it are left out.
  const body = splat.text.slice(1).filter((line, index) => index > 2 || !/^\s*[-=]+\s*$/.test(line));
  for (const line of body) w.line(line);
  const file = f.events[0]?.file;
  w.line();
  w.line(`${splat.title} (${file === undefined ? 'log' : file} lines ${splat.firstLine}-${splat.lastLine}${splat.incomplete ? ', incomplete: the log cuts the report short' : ''})`);
}

/** The header and renderer of a console-log finding (finding-kind-reports.ts' shape). */
export const SPLAT_REPORT = { header: splatHeader, render: renderSplat };

/**
 * The machine-readable result (`--format json`, spec "Machine-readable result").
 * Invariants: a pure function of the result; the spec's required fields come first in the
 * spec's order (`version`, `violations[]` with `kind`, `rule` (null unless a rule violation),
 * `severity`, `fingerprint`, `message`, `classes`, `events[{file, line, task}]`, then `summary`);
 * the other Finding fields follow unchanged, so `lockdep report` can re-render a saved result.
 * Output is pretty-printed JSON ending in a newline.
 */
import type { EventRef, Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';

/** An EventRef with `file`, `line`, `task` first. */
function orderedEvent(ref: EventRef): EventRef {
  const { file, line, task, ...rest } = ref;
  const ordered: EventRef = {} as EventRef;
  if (file !== undefined) ordered.file = file;
  if (line !== undefined) ordered.line = line;
  ordered.task = task;
  return Object.assign(ordered, rest);
}

/** A finding with the spec's fields first, in the spec's order. */
function orderedFinding(finding: Finding): Finding {
  const { kind, rule, severity, fingerprint, message, classes, events, ...rest } = finding;
  return {
    kind,
    rule: rule ?? null,
    severity,
    fingerprint,
    message,
    classes,
    events: events.map(orderedEvent),
    ...rest,
  };
}

/** The result in spec order: version, violations, summary, then traces, notices and tool when present. */
export function toJsonResult(result: CheckResult): CheckResult {
  const ordered: CheckResult = {
    version: 1,
    violations: result.violations.map(orderedFinding),
    summary: result.summary,
  };
  if (result.traces !== undefined) ordered.traces = result.traces;
  if (result.notices !== undefined) ordered.notices = result.notices;
  if (result.tool !== undefined) ordered.tool = result.tool;
  return ordered;
}

export function renderJson(result: CheckResult): string {
  return `${JSON.stringify(toJsonResult(result), null, 2)}\n`;
}

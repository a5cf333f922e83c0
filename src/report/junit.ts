/**
 * JUnit XML: one testsuite `lockdep`, one testcase per checked trace. A testcase fails when a
 * non-baselined error-severity finding has a witness in that trace; warnings, infos and baselined
 * findings are listed in its system-out. Findings are attributed to every trace their witnesses
 * name; a finding with no trace file goes to the single trace when there is one, else to a
 * testcase `(no trace file)`. Invariant: the XML is well formed for any name (escapeXml).
 */
import type { Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import { escapeXml, escapeXmlAttribute } from './escape.js';
import { findingTitle } from './rule-catalog.js';
import { findingDetails, witnessesOf } from './witnesses.js';

const UNATTRIBUTED = '(no trace file)';

function tracesOf(finding: Finding): Set<string> {
  const files = new Set<string>();
  for (const witness of witnessesOf(finding)) if (witness.ref.file !== undefined) files.add(witness.ref.file);
  return files;
}

function findingBlock(finding: Finding): string {
  const heading = `${finding.severity}${finding.baselined === true ? ' (baselined)' : ''}: ${findingTitle(finding)}: ${finding.message}`;
  return [heading, ...findingDetails(finding).map((detail) => `  ${detail.label}: ${detail.text}`)].join('\n');
}

/** Renders the result as JUnit XML. */
export function renderJunit(result: CheckResult): string {
  const traceNames: string[] = result.traces?.map((trace) => trace.file) ?? [];
  if (traceNames.length === 0) {
    const seen = new Set<string>();
    for (const finding of result.violations) for (const file of tracesOf(finding)) seen.add(file);
    traceNames.push(...seen);
  }
  const byTrace = new Map<string, Finding[]>(traceNames.map((name) => [name, []]));
  for (const finding of result.violations) {
    let targets = [...tracesOf(finding)].filter((file) => byTrace.has(file));
    if (targets.length === 0) targets = traceNames.length === 1 ? [traceNames[0] as string] : [UNATTRIBUTED];
    for (const target of targets) {
      const list = byTrace.get(target);
      if (list) list.push(finding); else byTrace.set(target, [finding]);
    }
  }
  if (byTrace.size === 0) byTrace.set(result.violations.length === 0 ? 'lockdep' : UNATTRIBUTED, []);

  let failures = 0;
  const cases: string[] = [];
  for (const [name, findings] of byTrace) {
    const failing = findings.filter((finding) => finding.severity === 'error' && finding.baselined !== true);
    const other = findings.filter((finding) => !failing.includes(finding));
    const body: string[] = [];
    if (failing.length > 0) {
      failures++;
      const first = failing[0] as Finding;
      const message = failing.length === 1 ? `${findingTitle(first)}: ${first.message}` : `${failing.length} lock-order errors; first: ${findingTitle(first)}: ${first.message}`;
      body.push(`    <failure message="${escapeXmlAttribute(message)}" type="${escapeXmlAttribute(first.kind)}">${escapeXml(failing.map(findingBlock).join('\n\n'))}</failure>`);
    }
    if (other.length > 0) body.push(`    <system-out>${escapeXml(other.map(findingBlock).join('\n\n'))}</system-out>`);
    const open = `  <testcase name="${escapeXmlAttribute(name)}" classname="lockdep">`;
    cases.push(body.length === 0 ? `${open}</testcase>` : `${open}\n${body.join('\n')}\n  </testcase>`);
  }
  const s = result.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="lockdep" tests="${byTrace.size}" failures="${failures}" errors="0">`,
    `  <testsuite name="lockdep" tests="${byTrace.size}" failures="${failures}" errors="0" skipped="0">`,
    `  <properties><property name="events" value="${s.events}"/><property name="classes" value="${s.classes}"/><property name="dependencies" value="${s.dependencies}"/><property name="violations" value="${s.violations}"/></properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

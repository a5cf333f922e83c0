/**
 * The witnesses of a finding, flattened for the formats that list them (markdown, html, github,
 * junit, sarif related locations): a deadlock's blocked tasks (where each waits, what it holds),
 * the trigger, every edge of a cycle (both acquisitions), the remaining witness events, the held
 * locks and the irq usage sites. Invariants: each EventRef appears once (the first role wins);
 * the order is deadlock, trigger, chain, events, held, irq; the text
 * is plain (callers escape it for their format). findingDetails turns a finding into the labelled
 * lines those formats print, so they only escape and lay them out.
 */
import type { DeadlockDetail } from '../engine/deadlock-detail.js';
import type { DependencyWitness, EventRef, Finding } from '../engine/finding.js';
import { codePosition, formatPosition, isEventCounter, tracePosition } from './source-position.js';

export interface Witness {
  /** What this witness shows, e.g. `A -> B: B acquired` or `trigger`. */
  role: string;
  ref: EventRef;
}

/** `t1.jsonl:12` when the trace position is known, `event #12` in an unrecorded run, else the empty string. */
export function traceLocation(ref: EventRef): string {
  if (ref.file !== undefined && ref.line !== undefined && isEventCounter(ref.file)) return `event #${ref.line}`;
  const position = tracePosition(ref);
  return position ? formatPosition(position) : '';
}

/** One line describing an event: `t.jsonl:12 task t1: acquire B (read, try) at src/x.ts:9`. */
export function describeEvent(ref: EventRef): string {
  const parts: string[] = [];
  const where = traceLocation(ref);
  if (where !== '') parts.push(where);
  parts.push(`task ${ref.task}:`);
  const what: string[] = [];
  if (ref.op !== undefined) what.push(ref.op);
  const lockName = ref.class ?? ref.lock;
  if (lockName !== undefined) {
    what.push(ref.class !== undefined && ref.lock !== undefined && ref.lock !== ref.class ? `${ref.class} (lock ${ref.lock})` : lockName);
  }
  const modifiers: string[] = [];
  if (ref.mode !== undefined && ref.mode !== 'write') modifiers.push(ref.mode);
  if (ref.try === true) modifiers.push('try');
  if (modifiers.length > 0) what.push(`[${modifiers.join(', ')}]`);
  if (what.length > 0) parts.push(what.join(' '));
  if (ref.site !== undefined) parts.push(`at ${ref.site}`);
  else {
    const code = codePosition(ref);
    if (code) parts.push(`at ${formatPosition(code)}`);
  }
  return parts.join(' ');
}

function sameRef(a: EventRef, b: EventRef): boolean {
  return a.file === b.file && a.line === b.line && a.task === b.task && a.op === b.op && a.lock === b.lock
    && a.class === b.class && a.site === b.site;
}

function chainRoles(edge: DependencyWitness): Witness[] {
  const arrow = `${edge.from} -> ${edge.to}`;
  return [
    { role: `${arrow}: ${edge.from} held`, ref: edge.prev },
    { role: `${arrow}: ${edge.to} acquired`, ref: edge.next },
  ];
}

/** A deadlock's witnesses: each blocked task's waiting acquisition (why it waits), then the locks it holds. */
function deadlockRoles(detail: DeadlockDetail): Witness[] {
  const roles: Witness[] = [];
  for (const blocked of detail.blocked) {
    const step = detail.cycle.find((s) => s.task === blocked.task);
    const why = step === undefined ? '' : `, ${step.reason === 'holds' ? 'held by' : 'queued behind'} ${step.blockedBy} (${step.blockedByMode})`;
    if (blocked.waitingAt) roles.push({ role: `${blocked.task} waits for ${blocked.class} (${blocked.mode})${why}`, ref: blocked.waitingAt });
    for (const held of blocked.held) roles.push({ role: `${blocked.task} holds ${held.class}`, ref: held.at });
  }
  return roles;
}

/** Every witness of the finding, each EventRef once. */
export function witnessesOf(finding: Finding): Witness[] {
  const candidates: Witness[] = finding.deadlock ? deadlockRoles(finding.deadlock) : [];
  if (finding.trigger) candidates.push({ role: 'trigger', ref: finding.trigger });
  for (const edge of finding.chain ?? []) candidates.push(...chainRoles(edge));
  for (const ref of finding.events) candidates.push({ role: 'event', ref });
  for (const held of finding.held ?? []) candidates.push({ role: `held ${held.class}`, ref: held.at });
  if (finding.irq?.safeAt) candidates.push({ role: `${finding.irq.safeUsage ?? 'irq-safe'} usage of ${finding.irq.safe ?? '?'}`, ref: finding.irq.safeAt });
  if (finding.irq?.unsafeAt) candidates.push({ role: `${finding.irq.unsafeUsage ?? 'irq-unsafe'} usage of ${finding.irq.unsafe ?? '?'}`, ref: finding.irq.unsafeAt });
  const unique: Witness[] = [];
  for (const candidate of candidates) {
    if (!unique.some((seen) => sameRef(seen.ref, candidate.ref))) unique.push(candidate);
  }
  return unique;
}

/** The class sequence of a finding as one line: a cycle closes back (`A -> B -> A`). */
export function classPath(finding: Finding): string {
  if ((finding.kind === 'circular-dependency' || (finding.deadlock?.cycle.length ?? 0) > 0) && finding.classes.length > 0) {
    return [...finding.classes, finding.classes[0]].join(' -> ');
  }
  return finding.classes.join(', ');
}

/** One labelled line of a finding's details; `part` tells which group it belongs to. */
export interface FindingDetail {
  part: 'classes' | 'witness' | 'fingerprint';
  /** `classes`, the witness's role (e.g. `trigger`) or `fingerprint`. */
  label: string;
  text: string;
}

/** A finding's details in order: the class path (when it names classes), each witness, the fingerprint. */
export function findingDetails(finding: Finding): FindingDetail[] {
  const details: FindingDetail[] = [];
  if (finding.classes.length > 0) details.push({ part: 'classes', label: 'classes', text: classPath(finding) });
  for (const witness of witnessesOf(finding)) details.push({ part: 'witness', label: witness.role, text: describeEvent(witness.ref) });
  details.push({ part: 'fingerprint', label: 'fingerprint', text: finding.fingerprint });
  return details;
}

/**
 * The writer every text renderer of a finding draws with (src/report/finding-kind-reports.ts
 * names each kind's renderer): kernel-style banners, lock names with usage, held-lock lists,
 * event positions and stacks, dependency witnesses and the unsafe-scenario tables, plus the
 * helpers renderers share (the finding's task, trigger, the held lock an event refers to).
 * Invariants: a pure function of the finding it was made for (already escaped by the caller);
 * color codes only when asked; a missing Finding field shortens the report, never throws.
 */
import type { DependencyWitness, EventRef, Finding, HeldLockRef } from '../engine/finding.js';
import { createPalette, type Palette } from './color.js';
import { extraFrames, positionSuffix, siteOf } from './text-positions.js';

export const CPU1_COLUMN = ' '.repeat(31);

type Style = 'bold' | 'red' | 'yellow' | 'cyan' | 'dim';

/** Everything a single finding's renderer needs. */
export class ReportWriter {
  readonly lines: string[] = [];
  private readonly usageByClass = new Map<string, string>();
  private readonly palette: Palette;

  constructor(
    readonly finding: Finding,
    color: boolean,
  ) {
    this.palette = createPalette(color);
    for (const lock of finding.locks ?? []) this.usageByClass.set(lock.class, lock.usage);
    for (const held of finding.held ?? []) {
      if (!this.usageByClass.has(held.class)) this.usageByClass.set(held.class, held.usage);
    }
  }

  /** `text` wrapped in each style in turn (the last one outermost); unchanged without color. */
  style(text: string, ...styles: Style[]): string {
    return styles.reduce((out, style) => this.palette[style](out), text);
  }

  line(text = ''): void {
    this.lines.push(text);
  }

  /** The `====` banner, the header line and the `----` rule, as the kernel prints them. */
  banner(header: string): void {
    const width = header.length;
    const severityStyle: Style =
      this.finding.severity === 'error' ? 'red' : this.finding.severity === 'warning' ? 'yellow' : 'cyan';
    this.line();
    this.line('='.repeat(width));
    this.line(this.style(header, 'bold', severityStyle));
    this.line('-'.repeat(width));
  }

  usage(className: string): string | undefined {
    return this.usageByClass.get(className);
  }

  /** `(class){usage}`, the kernel's print_lock_name; without braces when the usage is unknown. */
  lockName(className: string, usage = this.usage(className)): string {
    return usage === undefined ? `(${className})` : `(${className}){${usage}}`;
  }

  /** The kernel's print_lock: `<instance> (class){usage}, at: <site>`. */
  lockLine(ref: EventRef, fallbackClass?: string): string {
    const className = ref.class ?? fallbackClass ?? classOf(ref);
    const instance = ref.lock !== undefined && ref.lock !== className ? `${ref.lock} ` : '';
    return `${instance}${this.lockName(className)}, at: ${siteOf(ref)}`;
  }

  heldLockLine(held: HeldLockRef): string {
    const instance = held.lock !== held.class ? `${held.lock} ` : '';
    return `${instance}${this.lockName(held.class, held.usage)}, at: ${siteOf(held.at)}`;
  }

  /** The kernel's `<task> is trying to acquire lock:` / `but task is already holding lock:` pair. */
  acquiringWhileHolding(task: string, next: EventRef | undefined, prev: EventRef | undefined): void {
    this.line(`${task} is trying to acquire lock:`);
    if (next) this.line(this.lockLine(next));
    this.line();
    this.line('but task is already holding lock:');
    if (prev) this.line(this.lockLine(prev));
    this.line();
  }

  /** The kernel's lockdep_print_held_locks. */
  heldLocks(task: string, held: readonly HeldLockRef[] | undefined): void {
    if (held === undefined) return;
    if (held.length === 0) {
      this.line(`no locks held by ${task}.`);
      return;
    }
    this.line(`${held.length} lock${held.length > 1 ? 's' : ''} held by ${task}:`);
    held.forEach((lock, index) => this.line(` #${index}: ${this.heldLockLine(lock)}`));
  }

  /** Where an event happened, with its stack frames below, indented as kernel stack traces. */
  eventTrace(ref: EventRef, indent = '       '): void {
    this.line(`${indent}${siteOf(ref)}${positionSuffix(ref)}`);
    for (const frame of extraFrames(ref)) this.line(`${indent}  ${frame}`);
  }

  /** The witness of one dependency edge: both acquisitions, the task and their trace positions. */
  edgeWitness(edge: DependencyWitness): void {
    const next = edge.next;
    this.line(`       ${edge.task} ${acquireVerb(next)} (${edge.to})${modeWords(next)} at ${siteOf(next)}${positionSuffix(next)}`);
    for (const frame of extraFrames(next)) this.line(`         ${frame}`);
    const prev = edge.prev;
    this.line(`       while holding (${edge.from})${modeWords(prev)}, ${heldVerb(prev)} at ${siteOf(prev)}${positionSuffix(prev)}`);
    for (const frame of extraFrames(prev)) this.line(`         ${frame}`);
  }

  scenarioHeader(twoCpus: boolean, title = ' Possible unsafe locking scenario:'): void {
    this.line(title);
    this.line();
    this.line(twoCpus ? '       CPU0                    CPU1' : '       CPU0');
    this.line(twoCpus ? '       ----                    ----' : '       ----');
  }

  deadlockBanner(): void {
    this.line();
    this.line(` ${this.style('*** DEADLOCK ***', 'bold')}`);
    this.line();
  }

  /** Closing line mapping the report to its machine-readable identity. */
  footer(): void {
    const f = this.finding;
    const notes: string[] = [`fingerprint ${f.fingerprint}`];
    if (f.occurrences !== undefined && f.occurrences > 1) notes.push(`seen ${f.occurrences} times`);
    if (f.baselined === true) notes.push('baselined');
    const rule = f.rule === null ? '' : ` ${f.rule}`;
    this.line();
    this.line(this.style(`[${f.severity}] ${f.kind}${rule}: ${f.message} (${notes.join(', ')})`, 'dim'));
  }
}

export function classOf(ref: EventRef): string {
  return ref.class ?? ref.lock ?? '?';
}

function modeWords(ref: EventRef): string {
  const words: string[] = [];
  if (ref.mode === 'read') words.push('for read');
  if (ref.mode === 'recursive-read') words.push('for recursive read');
  return words.length > 0 ? ` ${words.join(' ')}` : '';
}

function acquireVerb(ref: EventRef): string {
  if (ref.op === 'sync') return 'synced with';
  return ref.try === true ? 'trylocked' : 'took';
}

function heldVerb(ref: EventRef): string {
  return ref.try === true ? 'trylocked' : 'taken';
}

/** `lock(X);`, `rlock(X);` for a shared hold, `sync(X);` for a `sync` event. */
export function scenarioLock(className: string, ref?: EventRef): string {
  if (ref?.op === 'sync') return `sync(${className});`;
  if (ref?.mode === 'read' || ref?.mode === 'recursive-read') return `rlock(${className});`;
  return `lock(${className});`;
}

export function taskOf(finding: Finding): string {
  return finding.task ?? finding.trigger?.task ?? finding.events[0]?.task ?? '?';
}

export function triggerOf(finding: Finding): EventRef | undefined {
  return finding.trigger ?? finding.events[finding.events.length - 1];
}

export function taskWithState(finding: Finding): string {
  const state = finding.irq?.taskState;
  return state === undefined ? taskOf(finding) : `${taskOf(finding)} ${state}`;
}

/** The held lock an event refers to: same instance, else same class (top-most first). */
export function heldLockFor(finding: Finding, ref: { lock?: string | undefined; class?: string | undefined }): HeldLockRef | undefined {
  const held = [...(finding.held ?? [])].reverse();
  if (ref.lock !== undefined) {
    const byLock = held.find((h) => h.lock === ref.lock);
    if (byLock) return byLock;
  }
  if (ref.class !== undefined) return held.find((h) => h.class === ref.class);
  return undefined;
}

export function heldAsRef(held: HeldLockRef): EventRef {
  return { ...held.at, lock: held.lock, class: held.class, mode: held.mode, try: held.try };
}

export function stackBacktrace(w: ReportWriter, ref: EventRef | undefined): void {
  if (ref?.stack === undefined || ref.stack.length === 0) return;
  w.line();
  w.line('stack backtrace:');
  for (const frame of ref.stack) w.line(` ${frame}`);
}
export function dependencyList(w: ReportWriter, title: string, edges: readonly DependencyWitness[]): void {
  if (edges.length === 0) return;
  w.line();
  w.line(title);
  for (const edge of edges) {
    w.line();
    w.line(` -> ${w.lockName(edge.from)} --> ${w.lockName(edge.to)}:`);
    w.edgeWitness(edge);
  }
}

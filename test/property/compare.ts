/**
 * The comparison of the oracle property test: the engine's findings on a generated program
 * against the oracle's prediction (every difference, in words), and the outcomes and features a
 * program reaches, for the coverage count of the test.
 */
import { Validator } from '../../src/engine/validator.js';
import type { Finding } from '../../src/engine/finding.js';
import { strongAssignment } from './oracle.js';
import type { Prediction } from './prediction.js';
import type { Program } from './program.js';

const IRQ_KINDS = new Set(['inconsistent-lock-state', 'irq-safe-to-unsafe', 'irq-lock-inversion']);
const KNOWN_KINDS = new Set([...IRQ_KINDS, 'circular-dependency', 'recursive-locking', 'held-lock-freed', 'held-lock-at-exit', 'nest-lock-not-held']);

export function engineFindings(program: Program): readonly Finding[] {
  const validator = new Validator({ file: 'program.jsonl' });
  program.events.forEach((event, index) => validator.process(event, { file: 'program.jsonl', line: index + 1 }));
  validator.end();
  return validator.findings;
}

/** The classes findings of `kind` name (`first`: only the acquired class, not the nest lock after it). */
const classesOf = (findings: readonly Finding[], kind: string, first = false): string[] =>
  [...new Set(findings.filter((f) => f.kind === kind).flatMap((f) => (first ? f.classes.slice(0, 1) : f.classes)))].sort();
const sorted = (set: ReadonlySet<string>): string[] => [...set].sort();

/** Every way the engine's findings differ from the prediction (empty when they agree). */
export function disagreements(findings: readonly Finding[], prediction: Prediction): string[] {
  const problems: string[] = [];
  const kinds = new Set(findings.map((f) => f.kind));
  for (const kind of kinds) if (!KNOWN_KINDS.has(kind)) problems.push(`unexpected finding kind ${kind}`);
  if (kinds.has('circular-dependency') !== (prediction.verdict.strong !== null)) problems.push('circular dependency reported iff the oracle has a strong cycle');
  for (const f of findings.filter((finding) => finding.kind === 'circular-dependency')) {
    if (strongAssignment(prediction.graph, f.classes) === null) problems.push(`reported cycle ${f.classes.join(' -> ')} is not a strong cycle of the oracle's graph`);
  }
  if (JSON.stringify(classesOf(findings, 'recursive-locking')) !== JSON.stringify(sorted(prediction.recursive))) problems.push(`recursive locking on ${JSON.stringify(sorted(prediction.recursive))}`);
  if (findings.some((f) => IRQ_KINDS.has(f.kind)) !== prediction.irqConflict) problems.push('an irq finding iff the oracle has an irq conflict');
  for (const f of findings) {
    if (f.kind === 'inconsistent-lock-state' && !prediction.selfConflict(f.irq!.state, f.classes[0]!)) problems.push(`${f.classes[0]} is not inconsistent in ${f.irq!.state}`);
    // An inversion (a usage change) names the pair its one search found: it must conflict in the
    // state named. A safe-to-unsafe report (a new edge) names, like the kernel's three searches, an
    // irq-safe class behind the edge and an irq-unsafe class after it that need not be the pair
    // whose usages matched (the kernel's find_exclusive_match): they must be irq-safe and
    // irq-unsafe, the first reaching the second.
    const irq = f.irq;
    if (f.kind === 'irq-lock-inversion' && !prediction.pairConflict(irq!.state, irq!.safe!, irq!.unsafe!)) problems.push(`${irq!.safe} -> ${irq!.unsafe} is no ${irq!.state} conflict`);
    if (f.kind === 'irq-safe-to-unsafe' && !(prediction.irqSafe(irq!.safe!) && prediction.irqUnsafe(irq!.unsafe!) && prediction.reaches(irq!.safe!, irq!.unsafe!))) {
      problems.push(`${irq!.safe} is not an irq-safe class reaching the irq-unsafe ${irq!.unsafe}`);
    }
  }
  const freed = classesOf(findings, 'held-lock-freed');
  if ((freed.length > 0) !== (prediction.freed.size > 0) || freed.some((name) => !prediction.freed.has(name))) problems.push(`held lock freed among ${JSON.stringify(sorted(prediction.freed))}`);
  if (JSON.stringify(classesOf(findings, 'held-lock-at-exit')) !== JSON.stringify(sorted(prediction.heldAtExit))) problems.push(`held at exit: ${JSON.stringify(sorted(prediction.heldAtExit))}`);
  if (JSON.stringify(classesOf(findings, 'nest-lock-not-held', true)) !== JSON.stringify(sorted(prediction.nestNotHeld))) problems.push(`nest lock not held: ${JSON.stringify(sorted(prediction.nestNotHeld))}`);
  return problems;
}

/** The outcomes and features a program reaches, for the coverage count. */
export function categories(findings: readonly Finding[], prediction: Prediction): string[] {
  const reached: string[] = [];
  if (prediction.verdict.strong !== null) reached.push('strong cycle');
  else if (prediction.verdict.cycles > 0) reached.push('weak cycles only');
  else reached.push('acyclic');
  if (prediction.recursive.size > 0) reached.push('recursive locking');
  if (prediction.irqConflict) reached.push('irq conflict');
  if (prediction.freed.size > 0) reached.push('held lock freed');
  if (prediction.heldAtExit.size > 0) reached.push('held at exit');
  if (prediction.nestNotHeld.size > 0) reached.push('nest lock not held');
  if (findings.length === 0) reached.push('no finding');
  const exercised = prediction.exercised;
  if (exercised.irqContext) reached.push('lock taken in an irq');
  if (exercised.subclass) reached.push('subclass');
  if (exercised.nestMerged || exercised.nestSerialized) reached.push('nest lock serializing');
  if (exercised.reacquired) reached.push('out-of-order release');
  return reached;
}

export const CATEGORIES = [
  'strong cycle', 'weak cycles only', 'acyclic', 'recursive locking', 'irq conflict', 'held lock freed', 'held at exit',
  'nest lock not held', 'no finding', 'lock taken in an irq', 'subclass', 'nest lock serializing', 'out-of-order release',
];

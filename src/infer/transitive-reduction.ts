/**
 * The transitive reduction of the condensation of a graph: the edges between components that no
 * longer path implies. Two ways with one answer: a search per component that stops at what an
 * earlier kept successor reached (cheap when components reach few others, as in most lock
 * graphs; no quadratic memory), and reachability bitsets (one row per component, time about
 * edges x components / 32). The search goes first, with a budget of what the bitsets would
 * cost; past it (components that reach many others), the bitsets take over while they fit in
 * `maxBitsetBytes`. Beyond that size the search runs without a budget.
 * Precondition: components are numbered in reverse topological order of the condensation
 * (strongly-connected.ts gives them so): every edge between two components goes from a higher
 * number to a lower one. Output: the kept component pairs, as `c * count + d`.
 */
import type { Components } from '../graph/strongly-connected.js';
import { placed, slotsOf, startsOf } from './compressed-adjacency.js';

/** Bitset rows up to this size in all (64 MiB: 23,000 components). */
const DEFAULT_MAX_BITSET_BYTES = 64 * 1024 * 1024;

/** The condensation's edges as compressed adjacency, each successor once, highest number first. */
function condensation(start: Int32Array, next: Int32Array, { component, count }: Components): { start: Int32Array; next: Int32Array } {
  const membersStart = startsOf(count, component);
  const members = placed(slotsOf(membersStart, component), undefined);
  const outStart = new Int32Array(count + 1);
  const out = condensedSuccessors(start, next, component, count, membersStart, members, outStart);
  return { start: outStart, next: Int32Array.from(out) };
}

/** The successor components of each component (filling `outStart`), as one list. */
function condensedSuccessors(
  start: Int32Array,
  next: Int32Array,
  component: Int32Array,
  count: number,
  membersStart: Int32Array,
  members: Int32Array,
  outStart: Int32Array,
): number[] {
  const out: number[] = [];
  const seen = new Int32Array(count).fill(-1);
  for (let c = 0; c < count; c++) {
    const first = out.length;
    for (let at = membersStart[c]!; at < membersStart[c + 1]!; at++) {
      const node = members[at]!;
      for (let slot = start[node]!; slot < start[node + 1]!; slot++) {
        const d = component[next[slot]!]!;
        if (d === c || seen[d] === c) continue;
        seen[d] = c;
        out.push(d);
      }
    }
    sortDescending(out, first, out.length);
    outStart[c + 1] = out.length;
  }
  return out;
}

/** Lists up to this long are sorted by insertion (most successor lists are one or two long). */
const INSERTION_SORT_MAX = 16;

/** Sorts `list[from .. to)` in place, highest first. */
function sortDescending(list: number[], from: number, to: number): void {
  if (to - from > INSERTION_SORT_MAX) {
    const sorted = list.slice(from, to).sort((a, b) => b - a);
    for (let index = 0; index < sorted.length; index++) list[from + index] = sorted[index]!;
    return;
  }
  for (let index = from + 1; index < to; index++) {
    const value = list[index]!;
    let at = index - 1;
    while (at >= from && list[at]! < value) {
      list[at + 1] = list[at]!;
      at--;
    }
    list[at + 1] = value;
  }
}

export function reducedComponentEdges(
  start: Int32Array,
  next: Int32Array,
  components: Components,
  maxBitsetBytes = DEFAULT_MAX_BITSET_BYTES,
  searchBudget?: number,
): Set<number> {
  const dag = condensation(start, next, components);
  const words = (components.count + 31) >>> 5;
  if (components.count * words * 4 > maxBitsetBytes) return bySearches(dag, components.count, Infinity)!;
  const bitsetCost = components.count + dag.next.length * words;
  return bySearches(dag, components.count, searchBudget ?? bitsetCost) ?? byBitsets(dag, components.count, words);
}

/**
 * reach[c]: the components reachable from c in one step or more; successors are done first. A
 * row is non-zero only between its words `low[c]` and `high[c]` (components reach lower numbers
 * only, and most reach few), so a row is merged over that span, not over every word.
 */
function byBitsets(dag: { start: Int32Array; next: Int32Array }, count: number, words: number): Set<number> {
  const reach = new Uint32Array(count * words);
  const low = new Int32Array(count).fill(words);
  const high = new Int32Array(count).fill(-1);
  const kept = new Set<number>();
  for (let c = 0; c < count; c++) {
    const row = c * words;
    let rowLow = words;
    let rowHigh = -1;
    for (let slot = dag.start[c]!; slot < dag.start[c + 1]!; slot++) {
      const d = dag.next[slot]!;
      const from = d * words;
      for (let word = low[d]!; word <= high[d]!; word++) reach[row + word]! |= reach[from + word]!;
      if (low[d]! < rowLow) rowLow = low[d]!;
      if (high[d]! > rowHigh) rowHigh = high[d]!;
    }
    // A successor reachable through another successor is implied; the others are kept.
    for (let slot = dag.start[c]!; slot < dag.start[c + 1]!; slot++) {
      const d = dag.next[slot]!;
      if ((reach[row + (d >>> 5)]! & (1 << (d & 31))) === 0) kept.add(c * count + d);
    }
    for (let slot = dag.start[c]!; slot < dag.start[c + 1]!; slot++) {
      const d = dag.next[slot]!;
      const word = d >>> 5;
      reach[row + word]! |= 1 << (d & 31);
      if (word < rowLow) rowLow = word;
      if (word > rowHigh) rowHigh = word;
    }
    low[c] = rowLow;
    high[c] = rowHigh;
  }
  return kept;
}

/**
 * Per component, its successors highest number first (a successor can only reach lower
 * numbers): one not yet reached from an earlier kept one is kept, and what it reaches is marked.
 * Undefined once more than `budget` edges have been followed.
 */
function bySearches(dag: { start: Int32Array; next: Int32Array }, count: number, budget: number): Set<number> | undefined {
  const kept = new Set<number>();
  const mark = new Int32Array(count).fill(-1);
  const stack: number[] = [];
  let followed = 0;
  for (let c = 0; c < count; c++) {
    for (let slot = dag.start[c]!; slot < dag.start[c + 1]!; slot++) {
      const d = dag.next[slot]!;
      if (mark[d] === c) continue;
      kept.add(c * count + d);
      stack.push(d);
      while (stack.length > 0) {
        const node = stack.pop()!;
        followed += dag.start[node + 1]! - dag.start[node]!;
        if (followed > budget) return undefined;
        for (let at = dag.start[node]!; at < dag.start[node + 1]!; at++) {
          const successor = dag.next[at]!;
          if (mark[successor] === c) continue;
          mark[successor] = c;
          stack.push(successor);
        }
      }
    }
  }
  return kept;
}

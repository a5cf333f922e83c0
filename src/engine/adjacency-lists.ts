/**
 * Edge lists per class for the dependency graph's searches (dependency-graph.ts keeps one for
 * the edges out of each class and one for the edges into it): singly linked lists through edge
 * ids, in typed arrays by class id and by edge id. No array per class: the graph's thousands of
 * classes would each hold one (and its backing store) on the heap, where every scavenge copies it.
 * Invariants: a class's list is in the order its edges were appended (the searches' order, and
 * so which of two equally short paths a report shows); ids are stored plus one, so that the
 * zeroed room a typed array grows by reads as "none".
 */
import { withRoomFor } from './class-flags.js';

export class AdjacencyLists {
  /** Per class: its first and last edge, plus one (0: no edge). */
  private head = new Int32Array(1024);
  private tail = new Int32Array(1024);
  /** Per edge: the next edge of the same list, plus one (0: the last). */
  private next = new Int32Array(1024);

  /** Makes room for class `id`'s list. */
  addClass(id: number): void {
    this.head = withRoomFor(this.head, id);
    this.tail = withRoomFor(this.tail, id);
  }

  /** Appends `edge` (the newest edge of the graph) to `cls`'s list. */
  append(cls: number, edge: number): void {
    this.next = withRoomFor(this.next, edge);
    const last = this.tail[cls]!;
    if (last === 0) this.head[cls] = edge + 1;
    else this.next[last - 1] = edge + 1;
    this.tail[cls] = edge + 1;
  }

  /** The first edge of `cls`'s list, or -1. */
  first(cls: number): number {
    return (this.head[cls] ?? 0) - 1;
  }

  /** The edge after `edge` in its list, or -1. */
  after(edge: number): number {
    return this.next[edge]! - 1;
  }
}

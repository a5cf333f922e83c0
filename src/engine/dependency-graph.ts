/**
 * The dependency graph over lock classes, the engine's store of record: integer arrays, one
 * entry per edge (ordered class pair) with its dependency-type masks and first witness (built
 * when first asked for, edge-witnesses.ts), and adjacency lists per class for the searches.
 * Edges are only added on the slow path (a chain-cache miss). A graphology view is built on
 * demand from a snapshot (class-graph.ts).
 * Invariants: at most one edge per (from, to); masks only grow; the witness is the first one.
 */
import { AdjacencyLists } from './adjacency-lists.js';
import { withRoomFor } from './class-flags.js';
import { EdgeWitnesses, type LiveAcquisition } from './edge-witnesses.js';
import type { DependencyWitness } from './finding.js';
import { IntPairMap } from './int-pair-map.js';
import { STEP_BLOCKED, STEP_ONLY_RECURSIVE, strongStep } from './lock-mode.js';

export interface EdgeAddition {
  edge: number;
  /** Forward bits that this addition introduced (0: nothing new). */
  newBits: number;
}

export interface SearchHit {
  /** The class where the search matched. */
  target: number;
  /** Whether the path reached it through recursive-read-only edges. */
  onlyXr: boolean;
  /** Edge ids from the root to the target, in walking order. */
  path: number[];
}

export type SearchMatch = (classId: number, onlyXr: boolean) => boolean;
export type SearchSkip = (classId: number) => boolean;

export class DependencyGraph {
  readonly edgeFrom: number[] = [];
  readonly edgeTo: number[] = [];
  /** Forward dependency-type mask (`locks_after` entry of from). */
  readonly edgeMask: number[] = [];
  /** Backward dependency-type mask (`locks_before` entry of to, `calc_depb`). */
  readonly edgeMaskBack: number[] = [];
  private readonly edgeWitnesses = new EdgeWitnesses();
  /** Edges out of each class (`locks_after`) and into it (`locks_before`). */
  private readonly outEdges = new AdjacencyLists();
  private readonly inEdges = new AdjacencyLists();
  /** Classes with room in the lists (ids 0..classCount-1). */
  private classCount = 0;
  /** (from, to) -> edge; room for 8,192 edges before it grows. */
  private readonly pairIndex = new IntPairMap(1 << 14);

  // Search scratch space, reused across searches (no allocation per search): a generation-stamped
  // visited set over (class, only_xr) and the BFS queue as parallel typed arrays, where a queue
  // entry packs (class << 1 | only_xr).
  private visited = new Uint32Array(64);
  private generation = 0;
  private queueNode = new Int32Array(256);
  private queueEdge = new Int32Array(256);
  private queueParent = new Int32Array(256);

  /** Makes room for the edges of class `id`. */
  addClass(id: number): void {
    if (id < this.classCount) return;
    this.classCount = id + 1;
    this.outEdges.addClass(id);
    this.inEdges.addClass(id);
  }

  get size(): number {
    return this.edgeFrom.length;
  }

  find(from: number, to: number): number {
    return this.pairIndex.get(from, to);
  }

  /**
   * Adds (or widens) from -> to. Its witness, kept only when the edge is new, is `live`'s
   * acquisition (built when first asked for), or else `merged()`, a saved graph's.
   */
  add(from: number, to: number, bit: number, bitBack: number, live: LiveAcquisition | undefined, merged: (() => DependencyWitness) | undefined): EdgeAddition {
    const existing = this.find(from, to);
    if (existing >= 0) {
      const old = this.edgeMask[existing]!;
      const newBits = bit & ~old;
      this.edgeMaskBack[existing] = this.edgeMaskBack[existing]! | bitBack;
      if (newBits) {
        this.edgeMask[existing] = old | bit;
        this.edgeWitnesses.maskWidened(existing, old | bit);
      }
      return { edge: existing, newBits };
    }
    const edge = this.edgeFrom.length;
    if (live !== undefined) this.edgeWitnesses.addLive(live);
    else this.edgeWitnesses.addBuilt(merged!(), bit);
    this.edgeFrom.push(from);
    this.edgeTo.push(to);
    this.edgeMask.push(bit);
    this.edgeMaskBack.push(bitBack);
    this.pairIndex.set(from, to, edge);
    this.outEdges.append(from, edge);
    this.inEdges.append(to, edge);
    return { edge, newBits: bit };
  }

  /** The first witness of `edge`, with the dependency types the edge has now. */
  witness(edge: number): DependencyWitness {
    return this.edgeWitnesses.witness(edge, this.edgeMask[edge]!);
  }

  /**
   * lockdep's `__bfs` with the strong-path rule, iterative. From `root` (whose `only_xr` is
   * `rootOnlyXr`), walk forward (`locks_after`) or backward (`locks_before`) edges; each step
   * follows `strongStep` (lock-mode.ts): from a node reached only through `-(*R)->` edges, its
   * `-(S*)->` edges are masked off. Visited is keyed by (class, only_xr), closing the false negative of gap 1 in docs/semantics.md.
   * The root itself is skipped or matched first, as in the kernel. Returns the shortest path to a match.
   */
  search(root: number, rootOnlyXr: boolean, forward: boolean, match: SearchMatch, skip?: SearchSkip): SearchHit | null {
    const stamp = this.nextGeneration();
    const visited = this.visited;
    const rootNode = root * 2 + (rootOnlyXr ? 1 : 0);
    this.queueNode[0] = rootNode;
    this.queueEdge[0] = -1;
    this.queueParent[0] = -1;
    let tail = 1;
    visited[rootNode] = stamp;
    const adjacency = forward ? this.outEdges : this.inEdges;
    const masks = forward ? this.edgeMask : this.edgeMaskBack;
    const ends = forward ? this.edgeTo : this.edgeFrom;
    for (let head = 0; head < tail; head++) {
      const node = this.queueNode[head]!;
      const cls = node >> 1;
      const onlyXr = (node & 1) === 1;
      if (skip !== undefined && skip(cls)) continue;
      if (match(cls, onlyXr)) return { target: cls, onlyXr, path: this.pathTo(head) };
      for (let edge = adjacency.first(cls); edge >= 0; edge = adjacency.after(edge)) {
        const step = strongStep(masks[edge]!, onlyXr);
        if (step === STEP_BLOCKED) continue;
        const next = ends[edge]! * 2 + (step === STEP_ONLY_RECURSIVE ? 1 : 0);
        if (visited[next] === stamp) continue;
        visited[next] = stamp;
        if (tail === this.queueNode.length) this.growQueue();
        this.queueNode[tail] = next;
        this.queueEdge[tail] = edge;
        this.queueParent[tail] = head;
        tail++;
      }
    }
    return null;
  }

  /** Witnesses of a path of edge ids. */
  witnesses(path: readonly number[]): DependencyWitness[] {
    return path.map((edge) => this.witness(edge));
  }

  private pathTo(index: number): number[] {
    const path: number[] = [];
    for (let i = index; i > 0; i = this.queueParent[i]!) path.push(this.queueEdge[i]!);
    return path.reverse();
  }

  /** Doubles the BFS queue, keeping its entries (a queue never holds more than every (class, only_xr) once). */
  private growQueue(): void {
    const last = this.queueNode.length;
    this.queueNode = withRoomFor(this.queueNode, last);
    this.queueEdge = withRoomFor(this.queueEdge, last);
    this.queueParent = withRoomFor(this.queueParent, last);
  }

  private nextGeneration(): number {
    const needed = this.classCount * 2 + 2;
    if (this.visited.length < needed) {
      this.visited = new Uint32Array(Math.max(needed, this.visited.length * 2));
      this.generation = 0;
    }
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      this.visited.fill(0);
      this.generation = 1;
    }
    return this.generation;
  }
}

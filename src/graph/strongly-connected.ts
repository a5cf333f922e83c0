/**
 * Strongly connected components, Tarjan's algorithm without recursion: the call stack is two
 * typed arrays, so a path of a million classes costs memory, not stack frames.
 * graphology-components' `stronglyConnectedComponents` recurses once per node on a path and
 * overflows Node 20's default stack on a path of about 7,000 classes (measured: 6,976 pass,
 * 6,984 throw RangeError), below the 8,192 classes of the kernel's own table.
 * Input: a compressed adjacency (`next[start[v] .. start[v+1])` are the successors of `v`).
 * Output invariant: components are numbered in reverse topological order of the condensation
 * (every edge between two components goes from a higher number to a lower or equal one).
 */

export interface Adjacency {
  readonly nodeCount: number;
  readonly start: Int32Array;
  readonly next: Int32Array;
}

export interface Components {
  /** Component number of each node. */
  readonly component: Int32Array;
  readonly count: number;
}

export function stronglyConnectedComponents({ nodeCount, start, next }: Adjacency): Components {
  const order = new Int32Array(nodeCount).fill(-1);
  const low = new Int32Array(nodeCount);
  const onStack = new Uint8Array(nodeCount);
  const stack = new Int32Array(nodeCount);
  const callNode = new Int32Array(nodeCount);
  const callSlot = new Int32Array(nodeCount);
  const component = new Int32Array(nodeCount).fill(-1);
  let stackTop = 0;
  let counter = 0;
  let count = 0;
  for (let root = 0; root < nodeCount; root++) {
    if (order[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callSlot[0] = start[root]!;
    order[root] = low[root] = counter++;
    stack[stackTop++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const node = callNode[depth]!;
      const slot = callSlot[depth]!;
      if (slot < start[node + 1]!) {
        callSlot[depth] = slot + 1;
        const successor = next[slot]!;
        if (order[successor] === -1) {
          depth++;
          callNode[depth] = successor;
          callSlot[depth] = start[successor]!;
          order[successor] = low[successor] = counter++;
          stack[stackTop++] = successor;
          onStack[successor] = 1;
        } else if (onStack[successor] === 1 && order[successor]! < low[node]!) {
          low[node] = order[successor]!;
        }
        continue;
      }
      if (low[node] === order[node]) {
        let member: number;
        do {
          member = stack[--stackTop]!;
          onStack[member] = 0;
          component[member] = count;
        } while (member !== node);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        if (low[node]! < low[parent]!) low[parent] = low[node]!;
      }
    }
  }
  return { component, count };
}

/** The class graph's adjacency (successor classes, one slot per dependency). */
export function classAdjacency(graph: { names: readonly unknown[]; outStart: Int32Array; outEdges: Int32Array; edgeTo: Int32Array }): Adjacency {
  const next = new Int32Array(graph.outEdges.length);
  for (let slot = 0; slot < next.length; slot++) next[slot] = graph.edgeTo[graph.outEdges[slot]!]!;
  return { nodeCount: graph.names.length, start: graph.outStart, next };
}

/**
 * Compressed adjacency by counting sort, the one builder the inference's lists share (the class
 * relation both ways, a component's members): `list[start[k] .. start[k+1])` holds, in input
 * order, the values of the items with key k. Each step is its own one-loop function: the
 * inference runs them once per input over a few thousand items, and a small function that V8
 * compiles once (while the loop runs) serves every caller, where one function of several loops
 * was compiled again at each loop and thrown away at its end (no feedback for what follows).
 */

/** Per key in [0, count), where its slots start (`start[count]`: the number of items). */
export function startsOf(count: number, keys: ArrayLike<number>): Int32Array {
  const start = new Int32Array(count + 1);
  for (let item = 0; item < keys.length; item++) start[keys[item]! + 1]!++;
  runningSum(start);
  return start;
}

function runningSum(start: Int32Array): void {
  for (let key = 1; key < start.length; key++) start[key]! += start[key - 1]!;
}

/** The slot of each item under its key (items of one key in input order). */
export function slotsOf(start: Int32Array, keys: ArrayLike<number>): Int32Array {
  const fill = start.slice(0, start.length - 1);
  const slots = new Int32Array(keys.length);
  for (let item = 0; item < keys.length; item++) slots[item] = fill[keys[item]!]!++;
  return slots;
}

/** `values` placed at `slots`: `list[slots[i]] = values[i]` (the identity when `values` is undefined: item numbers). */
export function placed(slots: Int32Array, values: ArrayLike<number> | undefined): Int32Array {
  const list = new Int32Array(slots.length);
  if (values === undefined) placeItems(list, slots);
  else placeValues(list, slots, values);
  return list;
}

function placeItems(list: Int32Array, slots: Int32Array): void {
  for (let item = 0; item < slots.length; item++) list[slots[item]!] = item;
}

function placeValues(list: Int32Array, slots: Int32Array, values: ArrayLike<number>): void {
  for (let item = 0; item < slots.length; item++) list[slots[item]!] = values[item]!;
}

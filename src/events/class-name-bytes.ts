/**
 * The bytes of the long lock class names the ftrace byte lane (ftrace-fast-lane.ts) has read, by
 * the kernel lock tracker's class number (kernel-lock-ids.ts), in one growing slab: the address
 * table (hex-address-table.ts) keeps only the first NAME_BYTES bytes of the name last seen at an
 * address, and a longer name's remaining bytes are compared here.
 * Invariants: a class number's bytes are kept once, on its first `keep`, and never change (a class
 * number stands for one name); memory is the bytes of the names kept.
 */

const INITIAL_SLAB_BYTES = 1 << 14;
const INITIAL_CLASSES = 1 << 10;

export class ClassNameBytes {
  private slab = new Uint8Array(INITIAL_SLAB_BYTES);
  private used = 0;
  /** Per class number: where its bytes start in the slab (-1: not kept), and how many there are. */
  private starts = new Int32Array(INITIAL_CLASSES).fill(-1);
  private lengths = new Int32Array(INITIAL_CLASSES);

  /** Keeps `bytes[start, end)` as the name of class `cls`, unless it has one. */
  keep(cls: number, bytes: Uint8Array, start: number, end: number): void {
    if (cls >= this.starts.length) this.growClasses(cls);
    if (this.starts[cls] !== -1) return;
    const length = end - start;
    if (this.used + length > this.slab.length) {
      const larger = new Uint8Array(Math.max(this.slab.length * 2, this.used + length));
      larger.set(this.slab.subarray(0, this.used));
      this.slab = larger;
    }
    const slab = this.slab;
    const to = this.used - start;
    for (let i = start; i < end; i++) slab[to + i] = bytes[i]!;
    this.starts[cls] = this.used;
    this.lengths[cls] = length;
    this.used += length;
  }

  /** Whether `bytes[start, end)` are the bytes of class `cls`'s name from its byte `from` to its end. */
  sameFrom(cls: number, from: number, bytes: Uint8Array, start: number, end: number): boolean {
    if (cls >= this.starts.length) return false;
    const kept = this.starts[cls]!;
    if (kept === -1 || this.lengths[cls]! - from !== end - start) return false;
    const slab = this.slab;
    const offset = kept + from - start;
    for (let i = start; i < end; i++) if (slab[offset + i] !== bytes[i]) return false;
    return true;
  }

  private growClasses(cls: number): void {
    let size = this.starts.length * 2;
    while (size <= cls) size *= 2;
    const starts = new Int32Array(size).fill(-1);
    starts.set(this.starts);
    const lengths = new Int32Array(size);
    lengths.set(this.lengths);
    this.starts = starts;
    this.lengths = lengths;
  }
}

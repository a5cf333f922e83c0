/**
 * The first try of the JSONL fast lane (jsonl-fast-lane.ts): the writer's commonest lines,
 * recognised by their exact bytes, four at a time, and handed to the lane entrance (a LockOpSink)
 * without decoding the line or building an event:
 *   {"op":"acquire","task":T,"lock":L}  optionally followed by ,"mode":"read"|"recursive-read"
 *                                       and then ,"try":true
 *   {"op":"release","task":T,"lock":L}
 *   {"op":"might-sleep","task":T}
 *   {"op":"irq","task":T,"kind":"hardirq"|"softirq","action":"enter"|"exit"|"disable"|"enable"}
 *   {"op":"access","task":T,"var":V,"write":true|false}
 *   {"op":"init","lock":L,"class":C,"type":"spinlock"|"rwlock"|"mutex"|"rwsem"|"map"}
 * where T, L, V and C are non-empty strings of printable ASCII without escapes. Anything else
 * returns false and goes to the lane's general scan (jsonl-line-scan.ts), which takes every
 * other field and key order; this fixed-pattern path only makes the plainest lines cheaper.
 * Invariant: a line it accepts has exactly the effect `process()` of `JSON.parse(line)` would
 * have; the id caches are the lane's, shared with its general path.
 */
import type { ByteIdCache } from './byte-id-cache.js';
import { IRQ_ACTIONS, IRQ_KINDS, LOCK_TYPES, type IrqAction, type IrqKind, type LockType } from './event.js';
import type { LiveHandle, LockOpMode, LockOpSink } from './lock-op-sink.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A byte pattern, compared four bytes at a time (little-endian words) and then byte by byte. */
interface Pattern {
  readonly length: number;
  readonly words: Int32Array;
  readonly tail: Uint8Array;
}

function pattern(text: string): Pattern {
  const bytes = Buffer.from(text, 'latin1');
  const wordCount = bytes.length >> 2;
  const words = new Int32Array(wordCount);
  for (let i = 0; i < wordCount; i++) words[i] = bytes.readInt32LE(i * 4);
  return { length: bytes.length, words, tail: bytes.subarray(wordCount * 4) };
}

const OP_PREFIX = pattern('{"op":"');
// The op with the key that follows it, up to the opening quote of the first id.
const ACQUIRE_TASK = pattern('acquire","task":"');
const RELEASE_TASK = pattern('release","task":"');
const MIGHT_SLEEP_TASK = pattern('might-sleep","task":"');
const IRQ_TASK = pattern('irq","task":"');
const ACCESS_TASK = pattern('access","task":"');
const INIT_LOCK = pattern('init","lock":"');
// From the closing quote of one id to the opening quote of the next.
const LOCK_KEY = pattern('","lock":"');
const VAR_KEY = pattern('","var":"');
const CLASS_KEY = pattern('","class":"');
// Line endings, from the closing quote of the last id.
const END = pattern('"}');
const WRITE_TRUE = pattern('","write":true}');
const WRITE_FALSE = pattern('","write":false}');

/** Acquire line endings and what they mean. */
const ACQUIRE_TAILS: readonly { pattern: Pattern; mode: LockOpMode; trylock: boolean }[] = [
  { pattern: END, mode: 0, trylock: false },
  { pattern: pattern('","mode":"read"}'), mode: 1, trylock: false },
  { pattern: pattern('","mode":"recursive-read"}'), mode: 2, trylock: false },
  { pattern: pattern('","try":true}'), mode: 0, trylock: true },
  { pattern: pattern('","mode":"read","try":true}'), mode: 1, trylock: true },
  { pattern: pattern('","mode":"recursive-read","try":true}'), mode: 2, trylock: true },
];

/** Irq line endings and what they mean. */
const IRQ_TAILS: readonly { pattern: Pattern; kind: IrqKind; action: IrqAction }[] = IRQ_KINDS.flatMap((kind) =>
  IRQ_ACTIONS.map((action) => ({ pattern: pattern(`","kind":"${kind}","action":"${action}"}`), kind, action })),
);

/** Init line endings and the lock type each names. */
const INIT_TAILS: readonly { pattern: Pattern; type: LockType }[] = LOCK_TYPES.map((type) => ({
  pattern: pattern(`","type":"${type}"}`),
  type,
}));

/** Whether the line ends with `p` at `at`. */
function isEnd(view: DataView, at: number, end: number, p: Pattern): boolean {
  return at + p.length === end && matchesAt(view, at, end, p);
}

/** The index of the tail in `tails` that ends the line at `at`, or -1. */
function tailAt(view: DataView, at: number, end: number, tails: readonly { pattern: Pattern }[]): number {
  for (let i = 0; i < tails.length; i++) if (isEnd(view, at, end, tails[i]!.pattern)) return i;
  return -1;
}

/** Whether `view` holds `p` at `at`, entirely before `end`. */
function matchesAt(view: DataView, at: number, end: number, p: Pattern): boolean {
  if (at + p.length > end) return false;
  const words = p.words;
  for (let i = 0; i < words.length; i++) if (view.getInt32(at + i * 4, true) !== words[i]) return false;
  const tail = p.tail;
  const tailAt = at + words.length * 4;
  for (let i = 0; i < tail.length; i++) if (view.getUint8(tailAt + i) !== tail[i]) return false;
  return true;
}

export class JsonlPlainLines<T extends LiveHandle = LiveHandle, L extends LiveHandle = LiveHandle> {
  /** A DataView over the last buffer seen (buffers change once per chunk). */
  private viewOf: Buffer | undefined = undefined;
  private view: DataView = new DataView(new ArrayBuffer(0));

  constructor(
    private readonly sink: LockOpSink<T, L>,
    private readonly file: string,
    private readonly tasks: ByteIdCache<T>,
    private readonly locks: ByteIdCache<L>,
    /** Variables (the lane keeps them with classes and sites). */
    private readonly vars: ByteIdCache,
  ) {}

  /** Handles the line `bytes[start, end)` (no line terminator) if it has a fast shape; false leaves it untouched. */
  line(bytes: Buffer, start: number, end: number, lineNo: number): boolean {
    if (bytes !== this.viewOf) {
      this.viewOf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    }
    const view = this.view;
    if (!matchesAt(view, start, end, OP_PREFIX)) return false;
    const opAt = start + OP_PREFIX.length;
    const first = bytes[opAt];
    let op: Pattern | undefined;
    if (first === 0x61) op = bytes[opAt + 2] === 0x71 ? ACQUIRE_TASK : ACCESS_TASK; // ac(q)uire, ac(c)ess
    else if (first === 0x69) op = bytes[opAt + 1] === 0x72 ? IRQ_TASK : INIT_LOCK; // i(r)q, i(n)it
    else op = first === 0x72 ? RELEASE_TASK : first === 0x6d ? MIGHT_SLEEP_TASK : undefined;
    if (op === undefined || !matchesAt(view, opAt, end, op)) return false;
    const idStart = opAt + op.length;
    if (op === INIT_LOCK) return this.init(bytes, view, idStart, end, lineNo);
    const taskEnd = idEnd(bytes, idStart, end);
    if (taskEnd < 0) return false;
    if (op === ACQUIRE_TASK || op === RELEASE_TASK) return this.lockEvent(op === ACQUIRE_TASK, bytes, view, idStart, taskEnd, end, lineNo);
    if (op === ACCESS_TASK) return this.access(bytes, view, idStart, taskEnd, end, lineNo);
    let irq = -1;
    if (op === IRQ_TASK) {
      irq = tailAt(view, taskEnd, end, IRQ_TAILS);
      if (irq < 0) return false;
    } else if (!isEnd(view, taskEnd, end, END)) {
      return false;
    }
    const task = this.tasks.index(bytes, idStart, taskEnd);
    const taskArgument = this.tasks.handleOrId(task, bytes, idStart, taskEnd);
    if (irq >= 0) this.sink.irqAt(taskArgument, IRQ_TAILS[irq]!.kind, IRQ_TAILS[irq]!.action, undefined, this.file, lineNo);
    else this.sink.mightSleepAt(taskArgument, undefined, this.file, lineNo);
    if (typeof taskArgument === 'string') this.tasks.remember(task, this.sink.taskHandle(taskArgument));
    return true;
  }

  /** An acquire or release line, from the task id (`bytes[taskStart, taskEnd)`) on. */
  private lockEvent(acquire: boolean, bytes: Buffer, view: DataView, taskStart: number, taskEnd: number, end: number, lineNo: number): boolean {
    if (!matchesAt(view, taskEnd, end, LOCK_KEY)) return false;
    const lockStart = taskEnd + LOCK_KEY.length;
    const lockEnd = idEnd(bytes, lockStart, end);
    if (lockEnd < 0) return false;
    let mode: LockOpMode = 0;
    let trylock = false;
    if (acquire) {
      const tail = tailAt(view, lockEnd, end, ACQUIRE_TAILS);
      if (tail < 0) return false;
      mode = ACQUIRE_TAILS[tail]!.mode;
      trylock = ACQUIRE_TAILS[tail]!.trylock;
    } else if (!isEnd(view, lockEnd, end, END)) {
      return false;
    }
    const task = this.tasks.index(bytes, taskStart, taskEnd);
    const lock = this.locks.index(bytes, lockStart, lockEnd);
    const taskArgument = this.tasks.handleOrId(task, bytes, taskStart, taskEnd);
    const lockArgument = this.locks.handleOrId(lock, bytes, lockStart, lockEnd);
    // A lock's first sight (an id, no handle yet) through the sink's by-id entrance when it has one,
    // so that the engine compiles `acquireAt` for handles alone (lock-op-sink.ts).
    if (acquire && typeof lockArgument === 'string' && this.sink.acquireByIdAt !== undefined) this.sink.acquireByIdAt(taskArgument, lockArgument, mode, trylock, undefined, this.file, lineNo);
    else if (acquire) this.sink.acquireAt(taskArgument, lockArgument, mode, trylock, undefined, this.file, lineNo);
    else this.sink.releaseAt(taskArgument, lockArgument, undefined, this.file, lineNo);
    if (typeof taskArgument === 'string') this.tasks.remember(task, this.sink.taskHandle(taskArgument));
    if (typeof lockArgument === 'string') this.locks.remember(lock, this.sink.lockHandle(lockArgument));
    return true;
  }

  /** An access line, from the task id on. */
  private access(bytes: Buffer, view: DataView, taskStart: number, taskEnd: number, end: number, lineNo: number): boolean {
    if (!matchesAt(view, taskEnd, end, VAR_KEY)) return false;
    const varStart = taskEnd + VAR_KEY.length;
    const varEnd = idEnd(bytes, varStart, end);
    if (varEnd < 0) return false;
    const write = isEnd(view, varEnd, end, WRITE_TRUE);
    if (!write && !isEnd(view, varEnd, end, WRITE_FALSE)) return false;
    const task = this.tasks.index(bytes, taskStart, taskEnd);
    const variable = this.vars.index(bytes, varStart, varEnd);
    const taskArgument = this.tasks.handleOrId(task, bytes, taskStart, taskEnd);
    this.sink.accessAt(taskArgument, this.vars.idOf(variable, bytes, varStart, varEnd), write, undefined, this.file, lineNo);
    if (typeof taskArgument === 'string') this.tasks.remember(task, this.sink.taskHandle(taskArgument));
    return true;
  }

  /** An init line, from the lock id on. */
  private init(bytes: Buffer, view: DataView, lockStart: number, end: number, lineNo: number): boolean {
    const lockEnd = idEnd(bytes, lockStart, end);
    if (lockEnd < 0 || !matchesAt(view, lockEnd, end, CLASS_KEY)) return false;
    const classStart = lockEnd + CLASS_KEY.length;
    const classEnd = idEnd(bytes, classStart, end);
    if (classEnd < 0) return false;
    const tail = tailAt(view, classEnd, end, INIT_TAILS);
    if (tail < 0) return false;
    const lock = this.locks.index(bytes, lockStart, lockEnd);
    const lockId = this.locks.idOf(lock, bytes, lockStart, lockEnd);
    this.sink.initAt(lockId, bytes.toString('latin1', classStart, classEnd), INIT_TAILS[tail]!.type, this.file, lineNo);
    this.locks.remember(lock, this.sink.lockHandle(lockId));
    return true;
  }
}

/** Per byte: 1 for the bytes an id may hold (printable ASCII but `"` and `\\`), 2 for `"`, 0 otherwise. */
const ID_BYTES = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) ID_BYTES[c] = c === QUOTE ? 2 : c === BACKSLASH ? 0 : 1;

/**
 * At the first byte of a JSON string's content: the position of the closing quote when the
 * content is a non-empty run of printable ASCII other than `"` and `\\`; -1 otherwise.
 */
function idEnd(bytes: Buffer, at: number, end: number): number {
  for (let i = at; i < end; i++) {
    const kind = ID_BYTES[bytes[i]!]!;
    if (kind !== 1) return kind === 2 && i > at ? i : -1;
  }
  return -1;
}

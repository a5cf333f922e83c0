/**
 * The byte-level fast lane of the JSONL reader: recognises the writer's commonest lines in the
 * read buffer and hands them to a LockOpSink without decoding the line or building an event:
 *   {"op":"acquire","task":T,"lock":L}  optionally followed by ,"mode":"read"|"recursive-read"
 *                                       and then ,"try":true
 *   {"op":"release","task":T,"lock":L}
 *   {"op":"might-sleep","task":T}
 *   {"op":"irq","task":T,"kind":"hardirq"|"softirq","action":"enter"|"exit"|"disable"|"enable"}
 *   {"op":"access","task":T,"var":V,"write":true|false}
 *   {"op":"init","lock":L,"class":C,"type":"spinlock"|"rwlock"|"mutex"|"rwsem"|"map"}
 * where T, L, V and C are non-empty strings of printable ASCII without escapes. Anything else (other
 * ops or fields, another key order, spaces, escapes, numbers as ids, non-ASCII) is declined and
 * goes through the normal string path, which owns every error message.
 * Invariant: a line it accepts has exactly the effect `process()` of `JSON.parse(line)` would
 * have (tested line by line and by a property test comparing whole checks with and without it).
 */
import { ByteIdCache } from './byte-id-cache.js';
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
const ACQUIRE_TASK = pattern('acquire","task":"');
const RELEASE_TASK = pattern('release","task":"');
const MIGHT_SLEEP_TASK = pattern('might-sleep","task":"');
const ACCESS_TASK = pattern('access","task":"');
const IRQ_TASK = pattern('irq","task":"');
const INIT_LOCK = pattern('init","lock":"');
const CLASS_KEY = pattern('","class":"');
/** Init line endings after the class name's closing quote, and the lock type each names. */
const INIT_TAILS: readonly { pattern: Pattern; type: LockType }[] = LOCK_TYPES.map((type) => ({ pattern: pattern(`","type":"${type}"}`), type }));
const VAR_KEY = pattern('","var":"');
const WRITE_TRUE = pattern('","write":true}');
const WRITE_FALSE = pattern('","write":false}');
const LOCK_KEY = pattern('","lock":"');
const END = pattern('"}');

/** Acquire line endings after the lock id's closing quote, and what they mean. */
const ACQUIRE_TAILS: readonly { pattern: Pattern; mode: LockOpMode; trylock: boolean }[] = [
  { pattern: END, mode: 0, trylock: false },
  { pattern: pattern('","mode":"read"}'), mode: 1, trylock: false },
  { pattern: pattern('","mode":"recursive-read"}'), mode: 2, trylock: false },
  { pattern: pattern('","try":true}'), mode: 0, trylock: true },
  { pattern: pattern('","mode":"read","try":true}'), mode: 1, trylock: true },
  { pattern: pattern('","mode":"recursive-read","try":true}'), mode: 2, trylock: true },
];

/** Irq line endings after the task id's closing quote, and what they mean. */
const IRQ_TAILS: readonly { pattern: Pattern; kind: IrqKind; action: IrqAction }[] = IRQ_KINDS.flatMap((kind) =>
  IRQ_ACTIONS.map((action) => ({ pattern: pattern(`","kind":"${kind}","action":"${action}"}`), kind, action })),
);

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

export class JsonlFastLane {
  private readonly tasks = new ByteIdCache();
  private readonly locks = new ByteIdCache();
  private readonly vars = new ByteIdCache();
  /** A DataView over the last buffer seen (buffers change once per chunk). */
  private viewOf: Buffer | undefined = undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  constructor(
    private readonly sink: LockOpSink,
    private readonly file: string,
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
    let kind: Pattern | undefined;
    if (first === 0x61) kind = bytes[opAt + 2] === 0x71 ? ACQUIRE_TASK : ACCESS_TASK; // ac(q)uire, ac(c)ess
    else if (first === 0x69) kind = bytes[opAt + 1] === 0x72 ? IRQ_TASK : INIT_LOCK; // i(r)q, i(n)it
    else kind = first === 0x72 ? RELEASE_TASK : first === 0x6d ? MIGHT_SLEEP_TASK : undefined;
    if (kind === undefined || !matchesAt(view, opAt, end, kind)) return false;
    if (kind === INIT_LOCK) return this.init(bytes, view, opAt + kind.length, end, lineNo);
    const taskStart = opAt + kind.length;
    const taskEnd = idEnd(bytes, taskStart, end);
    if (taskEnd < 0) return false;
    if (kind === MIGHT_SLEEP_TASK) {
      if (taskEnd + END.length !== end || !matchesAt(view, taskEnd, end, END)) return false;
      const task = this.tasks.index(bytes, taskStart, taskEnd);
      this.sink.mightSleepAt(this.taskArgument(task, bytes, taskStart, taskEnd), undefined, this.file, lineNo);
      this.refreshTask(task);
      return true;
    }
    if (kind === IRQ_TASK) {
      const rest = end - taskEnd;
      let tail = 0;
      while (tail < IRQ_TAILS.length && !(IRQ_TAILS[tail]!.pattern.length === rest && matchesAt(view, taskEnd, end, IRQ_TAILS[tail]!.pattern))) tail++;
      if (tail === IRQ_TAILS.length) return false;
      const task = this.tasks.index(bytes, taskStart, taskEnd);
      this.sink.irqAt(this.taskArgument(task, bytes, taskStart, taskEnd), IRQ_TAILS[tail]!.kind, IRQ_TAILS[tail]!.action, undefined, this.file, lineNo);
      this.refreshTask(task);
      return true;
    }
    if (kind === ACCESS_TASK) {
      if (!matchesAt(view, taskEnd, end, VAR_KEY)) return false;
      const varStart = taskEnd + VAR_KEY.length;
      const varEnd = idEnd(bytes, varStart, end);
      if (varEnd < 0) return false;
      const write = matchesAt(view, varEnd, end, WRITE_TRUE) && varEnd + WRITE_TRUE.length === end;
      if (!write && !(matchesAt(view, varEnd, end, WRITE_FALSE) && varEnd + WRITE_FALSE.length === end)) return false;
      const task = this.tasks.index(bytes, taskStart, taskEnd);
      const variable = this.vars.index(bytes, varStart, varEnd);
      const name = variable < 0 ? bytes.toString('latin1', varStart, varEnd) : this.vars.ids[variable]!;
      this.sink.accessAt(this.taskArgument(task, bytes, taskStart, taskEnd), name, write, undefined, this.file, lineNo);
      this.refreshTask(task);
      return true;
    }
    if (!matchesAt(view, taskEnd, end, LOCK_KEY)) return false;
    const lockStart = taskEnd + LOCK_KEY.length;
    const lockEnd = idEnd(bytes, lockStart, end);
    if (lockEnd < 0) return false;
    const rest = end - lockEnd;
    let mode: LockOpMode = 0;
    let trylock = false;
    if (kind === RELEASE_TASK) {
      if (rest !== END.length || !matchesAt(view, lockEnd, end, END)) return false;
    } else {
      let tail = 0;
      while (tail < ACQUIRE_TAILS.length && !(ACQUIRE_TAILS[tail]!.pattern.length === rest && matchesAt(view, lockEnd, end, ACQUIRE_TAILS[tail]!.pattern))) tail++;
      if (tail === ACQUIRE_TAILS.length) return false;
      mode = ACQUIRE_TAILS[tail]!.mode;
      trylock = ACQUIRE_TAILS[tail]!.trylock;
    }
    const task = this.tasks.index(bytes, taskStart, taskEnd);
    const lock = this.locks.index(bytes, lockStart, lockEnd);
    const taskArgument = this.taskArgument(task, bytes, taskStart, taskEnd);
    const lockHandle = lock < 0 ? undefined : this.locks.handles[lock];
    const lockArgument: LiveHandle | string =
      lockHandle !== undefined && lockHandle.alive ? lockHandle : lock < 0 ? bytes.toString('latin1', lockStart, lockEnd) : this.locks.ids[lock]!;
    if (kind === ACQUIRE_TASK) this.sink.acquireAt(taskArgument, lockArgument, mode, trylock, undefined, this.file, lineNo);
    else this.sink.releaseAt(taskArgument, lockArgument, undefined, this.file, lineNo);
    if (typeof taskArgument === 'string') this.refreshTask(task);
    if (typeof lockArgument === 'string' && lock >= 0) this.locks.handles[lock] = this.sink.lockHandle(lockArgument);
    return true;
  }

  /** `{"op":"init","lock":L,"class":C,"type":T}` from the lock id on (at `lockStart`). */
  private init(bytes: Buffer, view: DataView, lockStart: number, end: number, lineNo: number): boolean {
    const lockEnd = idEnd(bytes, lockStart, end);
    if (lockEnd < 0 || !matchesAt(view, lockEnd, end, CLASS_KEY)) return false;
    const classStart = lockEnd + CLASS_KEY.length;
    const classEnd = idEnd(bytes, classStart, end);
    if (classEnd < 0) return false;
    const rest = end - classEnd;
    let tail = 0;
    while (tail < INIT_TAILS.length && !(INIT_TAILS[tail]!.pattern.length === rest && matchesAt(view, classEnd, end, INIT_TAILS[tail]!.pattern))) tail++;
    if (tail === INIT_TAILS.length) return false;
    const lock = this.locks.index(bytes, lockStart, lockEnd);
    const lockId = lock < 0 ? bytes.toString('latin1', lockStart, lockEnd) : this.locks.ids[lock]!;
    this.sink.initAt(lockId, bytes.toString('latin1', classStart, classEnd), INIT_TAILS[tail]!.type, this.file, lineNo);
    if (lock >= 0) this.locks.handles[lock] = this.sink.lockHandle(lockId);
    return true;
  }

  /** The live handle of task index `task`, else its id. */
  private taskArgument(task: number, bytes: Buffer, start: number, end: number): LiveHandle | string {
    if (task < 0) return bytes.toString('latin1', start, end);
    const handle = this.tasks.handles[task];
    return handle !== undefined && handle.alive ? handle : this.tasks.ids[task]!;
  }

  private refreshTask(task: number): void {
    if (task < 0) return;
    const handle = this.tasks.handles[task];
    if (handle === undefined || !handle.alive) this.tasks.handles[task] = this.sink.taskHandle(this.tasks.ids[task]!);
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

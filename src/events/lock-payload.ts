/**
 * Reads the payload of the lock_acquire / lock_release tracepoints (include/trace/events/lock.h)
 * in the two ways tools print it:
 *   printk form  `<addr> [try ][read ]<name>`   (TP_printk("%p %s%s%s", lockdep_addr, try, read, name);
 *                                                 the trace file, trace-cmd report, perf script;
 *                                                 old kernels printed no address)
 *   raw fields   `flags=1 name=&rq->__lock lockdep_addr=0xffff...`   (trace-cmd report -R, any order;
 *                                                 flags bit 0 = trylock, bit 1 = read)
 * Invariants: a payload without a class name is an InputError at the line's origin; nothing
 * else is rejected (the class name is whatever follows, spaces included).
 */
import { InputError } from '../io/input-error.js';

export interface LockPayload {
  /** The lockdep_map address; undefined when the kernel printed none. */
  lock?: string;
  cls: string;
  isTry: boolean;
  isRead: boolean;
}

const ADDRESS = /^(?:0x)?[0-9a-fA-F]{4,16}$/;
const RAW_FIELD = /(?:^|\s)(flags|name|lockdep_addr)=/g;

/** Parses a lock_acquire (`acquire`) or lock_release payload; throws InputError without a class. */
export function parseLockPayload(payload: string, event: 'lock_acquire' | 'lock_release', file: string, line: number): LockPayload {
  const text = payload.trim();
  const parsed = text.includes('=') ? parseRawFields(text) ?? parsePrintk(text, event) : parsePrintk(text, event);
  if (parsed.cls === '') {
    const expected = event === 'lock_acquire' ? '"lock_acquire: <addr> [try ][read ]<class>"' : '"lock_release: <addr> <class>"';
    throw new InputError(`${event} without a lock class name (expected ${expected})`, { file, line });
  }
  return parsed;
}

function parsePrintk(text: string, event: 'lock_acquire' | 'lock_release'): LockPayload {
  let rest = text;
  let lock: string | undefined;
  const space = rest.indexOf(' ');
  if (space > 0 && ADDRESS.test(rest.slice(0, space))) {
    lock = rest.slice(0, space);
    rest = rest.slice(space + 1).trimStart();
  }
  let isTry = false;
  let isRead = false;
  if (event === 'lock_acquire') {
    if (rest.startsWith('try ')) {
      isTry = true;
      rest = rest.slice(4);
    }
    if (rest.startsWith('read ')) {
      isRead = true;
      rest = rest.slice(5);
    }
  }
  const parsed: LockPayload = { cls: rest.trim(), isTry, isRead };
  if (lock !== undefined) parsed.lock = lock;
  return parsed;
}

/** `key=value` fields of trace-cmd report -R; null when `name=` is missing (not the raw form). */
function parseRawFields(text: string): LockPayload | null {
  const starts: { key: string; at: number; valueAt: number }[] = [];
  for (const match of text.matchAll(RAW_FIELD)) {
    const at = match.index;
    starts.push({ key: match[1] ?? '', at, valueAt: at + match[0].length });
  }
  const fields = new Map<string, string>();
  starts.forEach((field, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : text.length;
    fields.set(field.key, text.slice(field.valueAt, end).trim());
  });
  const cls = fields.get('name');
  if (cls === undefined) return null;
  const flags = Number(fields.get('flags') ?? '0');
  const parsed: LockPayload = { cls, isTry: (flags & 1) !== 0, isRead: (flags & 2) !== 0 };
  const lock = fields.get('lockdep_addr');
  if (lock !== undefined && lock !== '') parsed.lock = lock;
  return parsed;
}

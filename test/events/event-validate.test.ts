import { describe, expect, it } from 'vitest';
import { MAX_SUBCLASS, validateEvent, validateHeader } from '../../src/events/event-validate.js';
import { InputError } from '../../src/io/input-error.js';

const origin = { file: 'trace.jsonl', line: 7 };

function errorOf(value: unknown): InputError {
  try {
    validateEvent(value, origin);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('validateEvent rejects', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a non-object', [1, 2], 'expected a JSON object (one event per line), got an array'],
    ['a string', 'acquire', 'expected a JSON object (one event per line), got a string'],
    ['null', null, 'got null'],
    ['a missing op', { task: 't', lock: 'A' }, 'missing field "op"'],
    ['a non-string op', { op: 3 }, 'field "op" must be a string, got 3'],
    ['an unknown op', { op: 'aquire', task: 't', lock: 'A' }, 'unknown op "aquire" (expected one of: init, acquire'],
    ['a missing task', { op: 'acquire', lock: 'A' }, 'acquire event is missing required field "task" (a string or number)'],
    ['a missing lock', { op: 'release', task: 't' }, 'release event is missing required field "lock"'],
    ['a boolean task', { op: 'acquire', task: true, lock: 'A' }, 'acquire: field "task" must be a string or number, got true'],
    ['a null lock', { op: 'acquire', task: 't', lock: null }, 'field "lock" must be a string or number, got null'],
    ['an object lock', { op: 'free', task: 't', lock: { id: 1 } }, 'field "lock" must be a string or number, got {"id":1}'],
    ['a bad mode', { op: 'acquire', task: 't', lock: 'A', mode: 'shared' }, 'field "mode" must be one of "write", "read", "recursive-read", got "shared"'],
    ['a bad type', { op: 'init', lock: 'A', type: 'semaphore' }, 'field "type" must be one of "spinlock", "rwlock", "mutex", "rwsem", "map"'],
    ['a numeric class', { op: 'init', lock: 'A', class: 5 }, 'init: field "class" must be a string, got 5'],
    ['subclass 8', { op: 'acquire', task: 't', lock: 'A', subclass: 8 }, `field "subclass" must be an integer from 0 to ${MAX_SUBCLASS}`],
    ['subclass -1', { op: 'acquire', task: 't', lock: 'A', subclass: -1 }, 'field "subclass" must be an integer from 0 to 7'],
    ['subclass 1.5', { op: 'acquire', task: 't', lock: 'A', subclass: 1.5 }, 'got 1.5'],
    ['a string try', { op: 'acquire', task: 't', lock: 'A', try: 'yes' }, 'field "try" must be true or false, got "yes"'],
    ['a bad nest', { op: 'acquire', task: 't', lock: 'A', nest: [] }, 'field "nest" must be a string or number'],
    ['a bad irq kind', { op: 'irq', task: 't', kind: 'nmi', action: 'enter' }, 'field "kind" must be one of "hardirq", "softirq", got "nmi"'],
    ['a bad irq action', { op: 'irq', task: 't', kind: 'hardirq', action: 'on' }, 'field "action" must be one of "enter", "exit", "disable", "enable"'],
    ['a missing irq action', { op: 'irq', task: 't', kind: 'hardirq' }, 'irq event is missing required field "action"'],
    ['a bad assert kind', { op: 'assert', task: 't', lock: 'A', held: 'yes' }, 'field "held" must be one of "any", "write", "read", "none"'],
    ['a missing access var', { op: 'access', task: 't', write: true }, 'access event is missing required field "var" (a string)'],
    ['a non-boolean write', { op: 'access', task: 't', var: 'x', write: 1 }, 'field "write" must be true or false, got 1'],
    ['a missing task on might-sleep', { op: 'might-sleep' }, 'might-sleep event is missing required field "task"'],
    ['a missing task on exit', { op: 'exit' }, 'exit event is missing required field "task"'],
    ['a non-string site', { op: 'exit', task: 't', site: 12 }, 'field "site" must be a string, got 12'],
    ['a stack of numbers', { op: 'exit', task: 't', stack: [1] }, 'field "stack" must be an array of strings'],
    ['a string stack', { op: 'exit', task: 't', stack: 'f' }, 'field "stack" must be an array of strings'],
    ['a string ts', { op: 'exit', task: 't', ts: '12:00' }, 'field "ts" must be a number, got "12:00"'],
    ['a header in the middle', { format: 'lockdep-trace', version: 1 }, 'a trace header is only allowed on the first line'],
  ];
  it.each(cases)('%s', (_name, value, message) => {
    const error = errorOf(value);
    expect(error.file).toBe('trace.jsonl');
    expect(error.line).toBe(7);
    expect(error.toString()).toContain(`trace.jsonl:7: `);
    expect(error.message).toContain(message);
  });
});

describe('validateEvent accepts near misses', () => {
  const cases: Array<[string, unknown]> = [
    ['numeric task and lock', { op: 'acquire', task: 1, lock: 0x1000 }],
    ['subclass 0', { op: 'acquire', task: 't', lock: 'A', subclass: 0 }],
    ['subclass 7', { op: 'acquire', task: 't', lock: 'A', subclass: 7 }],
    ['every acquire option', { op: 'acquire', task: 't', lock: 'A', mode: 'recursive-read', try: true, nest: 'N', class: 'C', type: 'rwlock' }],
    ['unknown fields', { op: 'release', task: 't', lock: 'A', pid: 42, extra: { deep: [1] } }],
    ['a field another op defines', { op: 'init', lock: 'A', task: { not: 'an id' } }],
    ['init without class and type', { op: 'init', lock: 'A' }],
    ['sync with inline class', { op: 'sync', task: 't', lock: 'srcu', class: 'srcu', type: 'map' }],
    ['an empty stack', { op: 'exit', task: 't', stack: [] }],
    ['access read', { op: 'access', task: 't', var: 'count', write: false }],
    ['assert none', { op: 'assert', task: 't', lock: 'A', held: 'none' }],
    ['irq enable', { op: 'irq', task: 't', kind: 'softirq', action: 'enable' }],
    ['a __proto__ lock name', JSON.parse('{"op":"acquire","task":"__proto__","lock":"__proto__"}')],
  ];
  it.each(cases)('%s', (_name, value) => {
    expect(validateEvent(value, origin)).toBe(value);
  });
});

describe('validateHeader', () => {
  it('accepts version 1 with metadata', () => {
    const header = { format: 'lockdep-trace', version: 1, source: 'test', started: '2026-01-01' };
    expect(validateHeader(header, origin)).toBe(header);
  });
  it('rejects a newer version', () => {
    expect(() => validateHeader({ format: 'lockdep-trace', version: 2 }, origin)).toThrow(
      'trace format version 2 is newer than this lockdep understands (version 1); upgrade lockdep',
    );
  });
  it.each([
    [{ format: 'other', version: 1 }, 'unknown trace format "other"'],
    [{ format: 'lockdep-trace' }, 'header field "version" must be a positive integer, got nothing'],
    [{ format: 'lockdep-trace', version: '1' }, 'header field "version" must be a positive integer, got "1"'],
    [{ format: 'lockdep-trace', version: 0 }, 'got 0'],
  ])('rejects %j', (header, message) => {
    expect(() => validateHeader(header, origin)).toThrow(message);
  });
});

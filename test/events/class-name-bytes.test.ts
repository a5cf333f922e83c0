/** The class name bytes of the ftrace byte lane (events/class-name-bytes.ts): kept once per class number, compared from any byte on. */
import { describe, expect, it } from 'vitest';
import { ClassNameBytes } from '../../src/events/class-name-bytes.js';

const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('ClassNameBytes', () => {
  it('compares the bytes of a kept name from a given byte to its end', () => {
    const names = new ClassNameBytes();
    const line = bytesOf('lock_acquire: 0000000084e3738a (work_completion)(&(&wb->dwork)->work)\n');
    const start = line.indexOf('(');
    const end = line.length - 1;
    names.keep(3, line, start, end);
    expect(names.sameFrom(3, 0, line, start, end)).toBe(true);
    expect(names.sameFrom(3, 30, line, start + 30, end)).toBe(true);
    expect(names.sameFrom(3, 30, bytesOf('(work_completion)(&(&wb->dwork)->wait)'), 30, 38)).toBe(false);
    expect(names.sameFrom(3, 30, line, start + 30, end - 1)).toBe(false);
    expect(names.sameFrom(4, 0, line, start, end)).toBe(false);
    expect(names.sameFrom(5000, 0, line, start, end)).toBe(false);
  });

  it('keeps the first name of a class number, and many classes and bytes past its first sizes', () => {
    const names = new ClassNameBytes();
    names.keep(0, bytesOf('first'), 0, 5);
    names.keep(0, bytesOf('other'), 0, 5);
    expect(names.sameFrom(0, 0, bytesOf('first'), 0, 5)).toBe(true);
    const long = 'n'.repeat(300);
    for (let cls = 1; cls < 3000; cls++) names.keep(cls, bytesOf(`${long}${cls}`), 0, long.length + String(cls).length);
    expect(names.sameFrom(2999, 0, bytesOf(`${long}2999`), 0, 304)).toBe(true);
    expect(names.sameFrom(1, 299, bytesOf('n1'), 0, 2)).toBe(true);
    expect(names.sameFrom(0, 0, bytesOf('first'), 0, 5)).toBe(true);
  });
});

/** Format detection from the first non-blank lines. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyLine, detectFormatOfFile, detectFormatOfText } from '../../src/events/detect-format.js';
import { InputError } from '../../src/io/input-error.js';

const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

describe('detect-format', () => {
  it('classifies single lines', () => {
    expect(classifyLine('{"op":"acquire","task":1,"lock":2}')).toBe('jsonl');
    expect(classifyLine('  bash-1234 [000] d..2. 123.456789: lock_acquire: 0000000000000001 &x')).toBe('ftrace');
    expect(classifyLine('bash-1234 [000] 123.456789: lock_release: &x')).toBe('ftrace');
    expect(classifyLine('T1|acq(L1)|12')).toBe('std');
    expect(classifyLine('T1|begin|12')).toBe('std');
    expect(classifyLine('T1|r(Foo.bar(int))|12')).toBe('std');
    expect(classifyLine('4294967302|w(V234.23[0])')).toBe('std');
    expect(classifyLine('hello world')).toBeNull();
  });

  it('detects each fixture', () => {
    for (const name of ['ftrace-abba.txt', 'ftrace-irq.txt', 'ftrace-irqsave.txt', 'ftrace-flags.txt', 'ftrace-trace-cmd.txt', 'ftrace-old-format.txt']) {
      expect(detectFormatOfFile(fixture(name)), name).toBe('ftrace');
    }
    for (const name of ['std-abba.std', 'std-spd.std']) expect(detectFormatOfFile(fixture(name)), name).toBe('std');
  });

  it('treats header and comment lines as neutral and an empty trace as JSONL', () => {
    expect(detectFormatOfText('{"format":"lockdep-trace","version":1}\n{"op":"exit","task":1}\n', 'x')).toBe('jsonl');
    expect(detectFormatOfText('# tracer: nop\n#\ncpus=4\n', 'x')).toBe('jsonl');
    expect(detectFormatOfText('', 'x')).toBe('jsonl');
  });

  it('names the line that fits no format, or contradicts the first lines', () => {
    const attempt = (text: string): string => {
      try {
        detectFormatOfText(text, 'mystery.log');
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return String(error);
      }
      return 'no error';
    };
    expect(attempt('\n\nhello world\n')).toBe(
      'mystery.log:3: cannot tell the trace format: this line is not spec JSONL, ftrace text, perf script output, STD, /proc/lockdep text or a kernel console log (pass --input-format jsonl|ftrace|perf|std|proc-lockdep|dmesg)',
    );
    expect(attempt('T1|acq(L)|1\n{"op":"exit","task":1}\n')).toBe(
      'mystery.log:2: cannot tell the trace format: this line is not STD like the lines above (pass --input-format jsonl|ftrace|perf|std|proc-lockdep|dmesg)',
    );
  });

  it('skips console log lines after ftrace_dump lines, but a plain console log is no ftrace: it is a console log', () => {
    const dump = '[ 5.1] bash-1 [000] d..1. 5.000001: lock_acquire: 0000000000000001 &x\n[ 5.2] Kernel panic - not syncing\n[ 5.3] Call Trace:\n';
    expect(detectFormatOfText(dump, 'console.log')).toBe('ftrace');
    expect(detectFormatOfText('[    0.000000] Linux version 6.8.0\n[    5.100000] bash-1 [000] d..1. 5.000001: lock_acquire: 0000000000000001 &x\n', 'dmesg.log')).toBe('dmesg');
  });

  it('tells a console log by its printk timestamps or by a lockdep report header, not line by line', () => {
    expect(detectFormatOfText('<6>[    0.000000] Linux version 6.8.0\n<6>[    0.000000] Command line: ro\n', 'boot.log')).toBe('dmesg');
    expect(detectFormatOfText('Hi,\nthis splat:\n> WARNING: possible recursive locking detected\n> 6.6.0 #1 Not tainted\n', 'mail.txt')).toBe('dmesg');
    // A timestamp of another precision, or a header word alone, is not enough.
    expect(() => detectFormatOfText('[ 0.1] hello\nWARNING: something else\n', 'other.log')).toThrow(/^cannot tell the trace format/);
  });

  it('reports a missing file as an InputError', () => {
    expect(() => detectFormatOfFile('/nonexistent/trace.txt')).toThrow(InputError);
  });
});

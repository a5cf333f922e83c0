/**
 * A class's usage records (where each usage bit was first set) are references built when first
 * asked for (src/engine/event-refs.ts `AcquisitionAt`): a finding and a snapshot must show the
 * acquisition that set the bit, as a reference built at that moment would have.
 */
import { expect, test } from 'vitest';
import { Validator } from '../../src/engine/validator.js';
import { ENABLED_HARDIRQ, LOCK_USED, USED_IN_HARDIRQ } from '../../src/engine/usage.js';

test('an irq usage conflict shows the plain line that set the earlier usage, and the snapshot the same reference', () => {
  const v = new Validator({ file: 'u.std' });
  v.initAt('A', 'A', 'spinlock', 'u.std', 1);
  v.acquireAt('t', 'A', 0, false, 5, 'u.std', 2); // irqs on: A becomes ENABLED_HARDIRQ (and USED)
  v.releaseAt('t', 'A', undefined, 'u.std', 3);
  v.irqAt('t', 'hardirq', 'enter', undefined, 'u.std', 4);
  v.acquireAt('t', 'A', 0, false, { site: 'in_irq', stack: ['handler'] }, 'u.std', 5); // USED_IN_HARDIRQ: inconsistent
  expect(v.findings.map((f) => f.kind)).toEqual(['inconsistent-lock-state']);
  const finding = v.findings[0];
  const earlier = { task: 't', file: 'u.std', line: 2, op: 'acquire', lock: 'A', site: '5' };
  expect(finding?.events).toEqual([{ task: 't', file: 'u.std', line: 5, op: 'acquire', lock: 'A', site: 'in_irq', stack: ['handler'] }, earlier]);
  expect(finding?.irq?.safeAt).toEqual(earlier);
  const usageAt = v.snapshot().classes.find((c) => c.name === 'A')!.usageAt;
  expect(usageAt[ENABLED_HARDIRQ]).toEqual(earlier);
  // One acquisition set both bits: one reference, as when it was built at once.
  expect(usageAt[LOCK_USED]).toBe(usageAt[ENABLED_HARDIRQ]);
  expect(usageAt[USED_IN_HARDIRQ]).toMatchObject({ line: 5 });
});

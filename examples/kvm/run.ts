/**
 * Demo runner: `node --import tsx examples/kvm/run.ts [--design D] [--all] [--stacks] [--format json]`.
 * Default: runs the 2021 fair-rwsem design and prints lockdep's report, the one Wanpeng Li
 * posted on 19 April 2021 (the cycle between `mmu_notifier_invalidate_range_start` and
 * `&kvm->mmu_notifier_slots_lock`, both edges recorded by one COW fault).
 * `--all` adds a verdict line per design and per rule-breaking variant, and the real deadlock of
 * the 2021 design when the pseudo-lock is made to exclude.
 * Exit code as `lockdep check`: 0 clean, 1 findings (or a deadlock), 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { formatDeadlockReport, renderJson, renderText } from '../../src/index.js';
import { DESIGNS, RULE_VARIANTS } from './kvm-model.js';
import { runKvmScenario } from './scenario.js';

function usage(message: string): never {
  process.stderr.write(`examples/kvm/run.ts: ${message} (designs: ${DESIGNS.join(', ')})\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    design: { type: 'string', default: '2021-fair' },
    all: { type: 'boolean', default: false },
    stacks: { type: 'boolean', default: false },
    format: { type: 'string', default: 'text' },
  },
  strict: true,
});
const design = DESIGNS.find((d) => d === values.design);
if (design === undefined) usage(`unknown design "${values.design}"`);
if (values.format !== 'text' && values.format !== 'json') usage(`unknown format "${values.format}"`);

const main = await runKvmScenario({ design, stacks: values.stacks });
let failed = main.result.violations.some((f) => f.severity === 'error');
if (values.format === 'json') {
  process.stdout.write(renderJson(main.result));
} else {
  process.stdout.write(`KVM design "${design}", checked against rules/kvm-2021.yaml:\n`);
  process.stdout.write(renderText(main.result, { color: false }));
}

if (values.all && values.format === 'text') {
  const verdict = (violations: readonly { kind: string; rule: string | null }[]): string =>
    violations.length === 0 ? 'clean' : violations.map((v) => v.rule ?? v.kind).join(', ');
  process.stdout.write('\nverdicts:\n');
  for (const d of DESIGNS) {
    const outcome = await runKvmScenario({ design: d });
    process.stdout.write(`  ${`design ${d}`.padEnd(40)} ${verdict(outcome.result.violations)}\n`);
  }
  for (const variant of RULE_VARIANTS) {
    const outcome = await runKvmScenario({ design: '2021-reader-preference', variant });
    process.stdout.write(`  ${`variant ${variant}`.padEnd(40)} ${verdict(outcome.result.violations)}\n`);
  }
  const real = await runKvmScenario({ design: '2021-fair', pseudoAsMutex: true });
  if (real.simulation.deadlock !== null) {
    process.stdout.write('\nThe same schedule with the pseudo-lock excluding for real (lockdep\'s view made concrete):');
    process.stdout.write(formatDeadlockReport(real.simulation.deadlock));
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;

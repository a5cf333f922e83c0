/**
 * The KVM schedule (docs/simulation.md, The KVM example) run on the model, for every design:
 *   vcpu0   a guest page fault (before anything else happens);
 *   oom     the OOM reaper reaps an unrelated range (non-blockable invalidation);
 *   A       qemu's COW fault: invalidate_range_start, then waits inside the window until B
 *           has either blocked or finished, then invalidate_range_end;
 *   W       once A is inside its window, KVM_SET_USER_MEMORY_REGION (down_write, or the
 *           5.15 rcuwait, waits for A);
 *   B       once W is blocked (or done), a second COW fault.
 * With the fair 2021 rwsem, B's down_read queues behind W. Lockdep reports the cycle between
 * `mmu_notifier_invalidate_range_start` and `&kvm->mmu_notifier_slots_lock` from A's own two
 * acquisitions (the 19 April 2021 report); with `pseudoAsMutex` the pseudo-lock really excludes
 * and the run ends in the real deadlock A -> pseudo-lock (B) -> rwsem queue (W) -> rwsem (A).
 * Exports `runKvmScenario` (used by the tests and examples/kvm/run.ts) and, as default export,
 * a module for `lockdep run` (design from LOCKDEP_KVM_DESIGN, default 2021-fair).
 */
import { fileURLToPath } from 'node:url';
import { Completion, LockdepRuntime, Simulation } from '../../src/index.js';
import type { CheckResult, SimulationResult } from '../../src/index.js';
import { DESIGNS, KvmModel } from './kvm-model.js';
import type { Design, RuleVariant } from './kvm-model.js';

export const KVM_2021_RULES = fileURLToPath(new URL('../../rules/kvm-2021.yaml', import.meta.url));

export interface KvmScenarioOptions {
  design: Design;
  variant?: RuleVariant | undefined;
  pseudoAsMutex?: boolean | undefined;
  /** Check rules/kvm-2021.yaml as well. Default true. */
  rules?: boolean | undefined;
  stacks?: boolean | undefined;
  recordTo?: string | undefined;
}

export interface KvmScenarioOutcome {
  runtime: LockdepRuntime;
  model: KvmModel;
  simulation: SimulationResult;
  result: CheckResult;
}

/** Spawns the actors of the schedule on `sim` (the runtime is the simulation's). */
export function spawnKvmActors(sim: Simulation, model: KvmModel): void {
  const aInsideWindow = new Completion(sim.runtime, 'A inside its invalidate window');
  let secondFault: ReturnType<Simulation['spawn']> | null = null;

  sim.spawn('vcpu0', async (t) => {
    await model.vcpuFault(t, 0x2000);
  });
  sim.spawn('oom_reaper', async (t) => {
    await model.oomReap(t, { start: 0x20000, end: 0x30000 });
  });
  sim.spawn('qemu-system-x86/3069', async (t) => {
    await model.cowFault(t, 0x3000, async () => {
      aInsideWindow.complete();
      if (secondFault !== null) await sim.untilBlocked(secondFault);
    });
  });
  const writer = sim.spawn('qemu-kvm-ioctl', async (t) => {
    await aInsideWindow.wait(t);
    await model.setMemoryRegion(t, { start: 0x10000, end: 0x18000 });
  });
  secondFault = sim.spawn('qemu-system-x86/3070', async (t) => {
    // Once the memslot update waits for A (the rwsem's write side, or the 5.15 rcuwait).
    await sim.untilBlocked(writer, [model.mmuNotifierSlotsLock, model.mnMemslotsUpdateRcuwait]);
    await model.cowFault(t, 0x4000);
  });
}

export async function runKvmScenario(options: KvmScenarioOptions): Promise<KvmScenarioOutcome> {
  const runtime = new LockdepRuntime({
    ...(options.rules === false ? {} : { rules: KVM_2021_RULES }),
    ...(options.stacks === true ? { stacks: true } : {}),
    ...(options.recordTo === undefined ? {} : { recordTo: options.recordTo }),
  });
  const model = new KvmModel(runtime, options);
  const sim = new Simulation(runtime);
  spawnKvmActors(sim, model);
  const simulation = await sim.run();
  const result = await runtime.end();
  return { runtime, model, simulation, result };
}

function designFromEnvironment(): Design {
  const wanted = process.env['LOCKDEP_KVM_DESIGN'] ?? '2021-fair';
  const design = DESIGNS.find((d) => d === wanted);
  if (design === undefined) throw new Error(`LOCKDEP_KVM_DESIGN must be one of ${DESIGNS.join(', ')}, got "${wanted}"`);
  return design;
}

/** `lockdep run examples/kvm/scenario.ts [--rules rules/kvm-2021.yaml]`: the schedule on the given runtime. */
export default async function kvmSimulation(runtime: LockdepRuntime): Promise<void> {
  const model = new KvmModel(runtime, {
    design: designFromEnvironment(),
    pseudoAsMutex: process.env['LOCKDEP_KVM_PSEUDO_AS_MUTEX'] === '1',
  });
  const sim = new Simulation(runtime);
  spawnKvmActors(sim, model);
  await sim.run();
}

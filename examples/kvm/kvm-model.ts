/**
 * A model of one KVM virtual machine and its mm, built from lockdep's instrumented primitives,
 * with the actors of the 2021 story (docs/simulation.md, The KVM example): the vCPU fault, the memslot update, the
 * blockable MMU-notifier invalidation (start/end, bracketed by the
 * `mmu_notifier_invalidate_range_start` pseudo-lock as mm/mmu_notifier.c does) and the OOM
 * reaper (non-blockable invalidation).
 * Three designs:
 *  - `2021-fair`: the April 2021 kvm.git queue: a fair rwsem `&kvm->mmu_notifier_slots_lock`
 *    held for read from a blockable start() to its end(), taken for write by
 *    install_new_memslots(); it reproduces the lockdep report of 19 April 2021;
 *  - `2021-reader-preference`: the same with readers that never wait for a queued writer
 *    (lockdep: recursive-read), which breaks the cycle;
 *  - `5.15`: the design shipped in v5.15 (52ac8b358b0c): the `&kvm->mn_invalidate_lock`
 *    spinlock, `mn_active_invalidate_count` and an rcuwait.
 * Rule-breaking variants (each breaks one rule of rules/kvm-2021.yaml) change one actor.
 * Class names are those the kernel's lockdep prints.
 */
import {
  LockMap,
  Mutex,
  RwLock,
  RwSemaphore,
  SpinLock,
  WaitQueue,
} from '../../src/index.js';
import type { LockdepRuntime, Task } from '../../src/index.js';

export const DESIGNS = ['2021-fair', '2021-reader-preference', '5.15'] as const;
export type Design = (typeof DESIGNS)[number];

/** Variants that each break one rule of rules/kvm-2021.yaml (the rule id names the variant). */
export const RULE_VARIANTS = [
  'slots-lock-outside-write-side',
  'no-slots-lock-in-notifiers',
  'no-new-writers',
  'notifier-count-under-mmu-lock',
] as const;
export type RuleVariant = (typeof RULE_VARIANTS)[number];

export interface KvmModelOptions {
  design: Design;
  /** Break one rule of rules/kvm-2021.yaml. */
  variant?: RuleVariant | undefined;
  /** Make the notifier pseudo-lock really exclude (replays lockdep's view as a real deadlock). */
  pseudoAsMutex?: boolean | undefined;
}

/** An address range [start, end) of the process's address space. */
export interface Range {
  start: number;
  end: number;
  /** MMU_NOTIFIER_RANGE_BLOCKABLE (false for the OOM reaper). */
  blockable: boolean;
}

const MMU_NOTIFIER_COUNT = 'kvm->mmu_notifier_count';
const MAX_FAULT_RETRIES = 64;

export class KvmModel {
  readonly design: Design;
  readonly variant: RuleVariant | undefined;
  // mm
  readonly mmapLock: RwSemaphore;
  readonly invalidateRangeStartMap: LockMap;
  // kvm
  readonly vcpuMutex: Mutex;
  readonly slotsLock: Mutex;
  readonly slotsArchLock: Mutex | null;
  readonly srcu: LockMap;
  readonly mmuLock: RwLock;
  /** 2021 designs only. */
  readonly mmuNotifierSlotsLock: RwSemaphore | null;
  /** 5.15 only. */
  readonly mnInvalidateLock: SpinLock | null;
  readonly mnMemslotsUpdateRcuwait: WaitQueue;
  // state
  mnActiveInvalidateCount = 0;
  mmuNotifierCount = 0;
  mmuNotifierSeq = 0;
  /** Published memslots: guest-physical ranges mapped at these host-virtual ranges. */
  memslots: readonly { start: number; end: number }[] = [{ start: 0x1000, end: 0x9000 }];
  readonly log: string[] = [];

  constructor(rt: LockdepRuntime, options: KvmModelOptions) {
    this.design = options.design;
    this.variant = options.variant;
    this.mmapLock = new RwSemaphore(rt, '&mm->mmap_lock');
    this.invalidateRangeStartMap = new LockMap(rt, {
      class: 'mmu_notifier_invalidate_range_start',
      blocking: options.pseudoAsMutex === true,
    });
    this.vcpuMutex = new Mutex(rt, '&vcpu->mutex');
    this.slotsLock = new Mutex(rt, '&kvm->slots_lock');
    this.srcu = new LockMap(rt, '&kvm->srcu');
    this.mmuLock = new RwLock(rt, '&(kvm)->mmu_lock');
    this.mnMemslotsUpdateRcuwait = new WaitQueue(rt, 'kvm->mn_memslots_update_rcuwait');
    if (this.design === '5.15') {
      this.slotsArchLock = new Mutex(rt, '&kvm->slots_arch_lock');
      this.mnInvalidateLock = new SpinLock(rt, '&kvm->mn_invalidate_lock');
      this.mmuNotifierSlotsLock = null;
    } else {
      this.slotsArchLock = null;
      this.mnInvalidateLock = null;
      this.mmuNotifierSlotsLock = new RwSemaphore(rt, {
        class: '&kvm->mmu_notifier_slots_lock',
        readerPreference: this.design === '2021-reader-preference',
      });
    }
  }

  private hits(range: Range): boolean {
    return this.memslots.some((slot) => slot.start < range.end && range.start < slot.end);
  }

  // ------------------------------------------------------------------ vCPU (KVM_RUN, TDP fault)

  /** V1-V7: a guest page fault handled by a vCPU thread. Returns the number of retries. */
  async vcpuFault(t: Task, gfnAddress: number): Promise<number> {
    return t.call('kvm_vcpu_ioctl', async () => {
      await this.vcpuMutex.lock(t);
      await this.srcu.acquireRead(t, { site: 'vcpu_run' });
      let retries = 0;
      try {
        for (;;) {
          const seq = this.mmuNotifierSeq;
          // V4: faultin pfn; GUP may sleep and take mmap_lock for read.
          await t.call('kvm_faultin_pfn', async () => {
            t.mightSleep();
            await this.mmapLock.withRead(t, () => undefined, { site: 'get_user_pages_unlocked' });
          });
          const retry = t.call('direct_page_fault', () =>
            this.mmuLock.withRead(t, () => {
              t.access(MMU_NOTIFIER_COUNT);
              const inProgress = this.mmuNotifierCount > 0;
              if (inProgress || seq !== this.mmuNotifierSeq) return true;
              this.log.push(`${t.id}: installed SPTE for ${gfnAddress.toString(16)}`);
              return false;
            }),
          );
          if (!retry) return retries;
          if (++retries >= MAX_FAULT_RETRIES) return retries;
          await Promise.resolve();
        }
      } finally {
        this.srcu.release(t);
        this.vcpuMutex.unlock(t);
      }
    });
  }

  // ------------------------------------------------------------------ memslot update

  /** W1-W9: KVM_SET_USER_MEMORY_REGION publishing a new memslot array. */
  async setMemoryRegion(t: Task, slot: { start: number; end: number }): Promise<void> {
    await t.call('kvm_vm_ioctl_set_memory_region', async () => {
      if (this.variant === 'slots-lock-outside-write-side') {
        await this.setMemoryRegionWriteSideFirst(t, slot);
        return;
      }
      await this.slotsLock.lock(t);
      try {
        await t.call('kvm_set_memslot', async () => {
          if (this.design === '5.15') await this.swapActiveMemslots515(t, slot);
          else await this.installNewMemslots2021(t, slot);
          await t.call('kvm_arch_commit_memory_region', async () => {
            if (this.variant === 'no-new-writers' && this.mmuNotifierSlotsLock !== null) {
              // A second write-side critical section: "No other write-side critical sections should be added."
              await this.mmuNotifierSlotsLock.with(t, () => {
                this.log.push(`${t.id}: commit under the write side`);
              });
            }
          });
        });
      } finally {
        this.slotsLock.unlock(t);
      }
    });
  }

  /** 2021: install_new_memslots() under kvm->slots_lock. */
  private async installNewMemslots2021(t: Task, slot: { start: number; end: number }): Promise<void> {
    const rwsem = this.mmuNotifierSlotsLock as RwSemaphore;
    await t.call('install_new_memslots', async () => {
      await rwsem.lock(t);
      this.memslots = [...this.memslots, slot];
      this.log.push(`${t.id}: published memslots (${this.memslots.length})`);
      rwsem.unlock(t);
      this.srcu.sync(t, 'synchronize_srcu_expedited');
    });
  }

  /** The variant that takes the write side first and kvm->slots_lock inside it. */
  private async setMemoryRegionWriteSideFirst(t: Task, slot: { start: number; end: number }): Promise<void> {
    const rwsem = this.mmuNotifierSlotsLock;
    if (rwsem === null) return;
    await t.call('install_new_memslots', async () => {
      await rwsem.lock(t);
      await this.slotsLock.lock(t);
      this.memslots = [...this.memslots, slot];
      this.slotsLock.unlock(t);
      rwsem.unlock(t);
    });
  }

  /** 5.15: kvm_swap_active_memslots() [install_new_memslots()]. */
  private async swapActiveMemslots515(t: Task, slot: { start: number; end: number }): Promise<void> {
    const archLock = this.slotsArchLock as Mutex;
    const mnLock = this.mnInvalidateLock as SpinLock;
    await archLock.lock(t);
    await t.call('install_new_memslots', async () => {
      mnLock.lock(t);
      while (this.mnActiveInvalidateCount > 0) {
        mnLock.unlock(t);
        await this.mnMemslotsUpdateRcuwait.wait(t, 'rcuwait_wait_event');
        mnLock.lock(t);
      }
      this.memslots = [...this.memslots, slot];
      this.log.push(`${t.id}: published memslots (${this.memslots.length})`);
      mnLock.unlock(t);
    });
    archLock.unlock(t);
    this.srcu.sync(t, 'synchronize_srcu_expedited');
  }

  // ------------------------------------------------------------------ MMU notifier

  /**
   * mmu_notifier_invalidate_range_start(): the pseudo-lock is held around the callbacks, then
   * KVM's start callback runs.
   */
  async invalidateRangeStart(t: Task, range: Range): Promise<void> {
    await this.invalidateRangeStartMap.with(t, () =>
      t.call(range.blockable ? '__mmu_notifier_invalidate_range_start' : 'mmu_notifier_invalidate_range_start_nonblock', () =>
        t.call('kvm_mmu_notifier_invalidate_range_start', () => this.kvmStart(t, range)),
      ),
    );
  }

  /** __mmu_notifier_invalidate_range_end(): the pseudo-lock again around the end callbacks. */
  async invalidateRangeEnd(t: Task, range: Range): Promise<void> {
    await t.call('__mmu_notifier_invalidate_range_end', () =>
      this.invalidateRangeStartMap.with(t, () =>
        t.call('kvm_mmu_notifier_invalidate_range_end', () => this.kvmEnd(t, range)),
      ),
    );
  }

  private async kvmStart(t: Task, range: Range): Promise<void> {
    if (this.variant === 'no-slots-lock-in-notifiers') {
      await this.slotsLock.with(t, () => undefined);
    }
    if (this.design === '5.15') {
      const mnLock = this.mnInvalidateLock as SpinLock;
      mnLock.with(t, () => {
        this.mnActiveInvalidateCount++;
      });
      await this.srcu.withRead(t, () => {
        if (this.hits(range)) this.beginInvalidate(t);
      });
      return;
    }
    const rwsem = this.mmuNotifierSlotsLock as RwSemaphore;
    // S2': blockable invalidations hold the read side until end().
    if (range.blockable) await rwsem.lockRead(t);
    const mustLock = !range.blockable;
    await this.srcu.withRead(t, () => {
      if (mustLock || this.hits(range)) this.beginInvalidate(t);
    });
  }

  private async kvmEnd(t: Task, range: Range): Promise<void> {
    if (this.design === '5.15') {
      const mnLock = this.mnInvalidateLock as SpinLock;
      await this.srcu.withRead(t, () => {
        if (this.hits(range)) this.endInvalidate(t);
      });
      const wake = mnLock.with(t, () => --this.mnActiveInvalidateCount === 0);
      if (wake) this.mnMemslotsUpdateRcuwait.wakeOne();
      return;
    }
    const rwsem = this.mmuNotifierSlotsLock as RwSemaphore;
    const mustLock = !range.blockable;
    await this.srcu.withRead(t, () => {
      if (mustLock || this.hits(range)) this.endInvalidate(t);
    });
    if (range.blockable) rwsem.unlockRead(t);
  }

  /** kvm_mmu_invalidate_begin: mmu_notifier_count++ under mmu_lock held for write. */
  private beginInvalidate(t: Task): void {
    if (this.variant === 'notifier-count-under-mmu-lock') {
      // Broken: the count is changed with mmu_lock held only for read.
      this.mmuLock.withRead(t, () => {
        t.access(MMU_NOTIFIER_COUNT, { write: true });
        this.mmuNotifierCount++;
      });
      return;
    }
    this.mmuLock.with(t, () => {
      t.access(MMU_NOTIFIER_COUNT, { write: true });
      this.mmuNotifierCount++;
    });
  }

  /** kvm_mmu_invalidate_end: seq++, mmu_notifier_count-- under mmu_lock held for write. */
  private endInvalidate(t: Task): void {
    this.mmuLock.with(t, () => {
      this.mmuNotifierSeq++;
      t.access(MMU_NOTIFIER_COUNT, { write: true });
      this.mmuNotifierCount--;
    });
  }

  // ------------------------------------------------------------------ callers of the notifier

  /**
   * A copy-on-write fault in the VMM (qemu): exc_page_fault -> ... -> wp_page_copy, which runs
   * the whole start/end window on this one task. `betweenStartAndEnd` runs inside the window
   * (the PTEs are changed there); schedules use it to interleave other tasks.
   */
  async cowFault(t: Task, address: number, betweenStartAndEnd?: () => Promise<void>): Promise<void> {
    await t.call('exc_page_fault', () =>
      t.call('do_user_addr_fault', async () => {
        await this.mmapLock.lockRead(t);
        try {
          await t.call('handle_mm_fault', () =>
            t.call('do_wp_page', () =>
              t.call('wp_page_copy', async () => {
                const range = { start: address, end: address + 0x1000, blockable: true };
                await this.invalidateRangeStart(t, range);
                this.log.push(`${t.id}: PTE changed at ${address.toString(16)}`);
                if (betweenStartAndEnd !== undefined) await betweenStartAndEnd();
                await this.invalidateRangeEnd(t, range);
              }),
            ),
          );
        } finally {
          this.mmapLock.unlockRead(t);
        }
      }),
    );
  }

  /** O1-O5: the OOM reaper tears down a victim's address space without blocking. */
  async oomReap(t: Task, range: { start: number; end: number }): Promise<boolean> {
    return t.call('oom_reap_task_mm', async () => {
      if (!this.mmapLock.tryLockRead(t)) return false;
      try {
        const nonBlocking = { ...range, blockable: false };
        await t.call('__oom_reap_task_mm', async () => {
          await this.invalidateRangeStart(t, nonBlocking);
          this.log.push(`${t.id}: unmapped ${range.start.toString(16)}-${range.end.toString(16)}`);
          await this.invalidateRangeEnd(t, nonBlocking);
        });
        return true;
      } finally {
        this.mmapLock.unlockRead(t);
      }
    });
  }
}

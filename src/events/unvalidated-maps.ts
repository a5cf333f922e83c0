/**
 * The lockdep maps that the kernel always acquires with `check = 0`: lockdep records them as held
 * (lock_is_held() works) but never validates them, so they never become either end of a
 * dependency. A trace shows them like any lock (the lock_acquire tracepoint fires before the
 * check), so the kernel-trace importers skip them by name.
 * Source (torvalds/linux): include/linux/rcupdate.h, rcu_lock_acquire() and
 * rcu_try_lock_acquire() call `lock_acquire(map, 0, trylock, 2, 0, NULL, _THIS_IP_)`, whose fifth
 * argument is `check`. Their callers and maps (STATIC_LOCKDEP_MAP_INIT names):
 *   rcu_read_lock()        include/linux/rcupdate.h   rcu_lock_map        kernel/rcu/update.c
 *   rcu_read_lock_bh()     include/linux/rcupdate.h   rcu_bh_lock_map     kernel/rcu/update.c
 *   rcu_read_lock_sched()  include/linux/rcupdate.h   rcu_sched_lock_map  kernel/rcu/update.c
 *   rcu_do_batch()         kernel/rcu/tree.c          rcu_callback_map    kernel/rcu/update.c
 *   rcu_read_lock_trace()  include/linux/rcupdate_trace.h  rcu_trace_lock_map  kernel/rcu/tasks.h
 * Not listed, because no name identifies them: maps of a lock class set with
 * lockdep_set_novalidate_class() (`&dev->mutex` of device_initialize() shares its name with
 * validated mutexes elsewhere), and SRCU read sides (named after each srcu_struct; current
 * kernels validate them, srcu_lock_acquire() being lock_map_acquire_read()).
 */

export const UNVALIDATED_CLASSES: ReadonlySet<string> = new Set([
  'rcu_read_lock',
  'rcu_read_lock_bh',
  'rcu_read_lock_sched',
  'rcu_callback',
  'rcu_read_lock_trace',
]);

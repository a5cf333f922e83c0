/**
 * The bench's lock program (bench/generate.js) as a kernel trace file: what
 * `cat /sys/kernel/tracing/trace` prints with the lock tracepoints of CONFIG_LOCKDEP enabled
 * under the nop tracer (`# tracer: nop`, the column legend of kernels since 5.15, then one line
 * per event: `%16s-%-7d [%03d] <5 flags> %5lu.%06lu: lock_acquire: <%p> [try ][read ]<name>`).
 * Tasks have kernel-like comms (some with `-` or `/` in them, as `systemd-journal` and
 * `jbd2/sda1-8`); each lock rank is one instance (a hashed 16-digit address) of a class with a
 * kernel-like name; ranks in the top tenth are taken irqs-off (`spin_lock_irqsave`: the
 * irqs-off column reads `d` while one is held), a tenth of the others are read acquisitions and
 * some are trylocks, so the read/try variants of the payload and both irq states occur.
 * Invariants: deterministic (a function of the events alone); one line per acquire or release,
 * none for any other op; timestamps strictly increase.
 */

const COMMS = ['kworker/u16:3', 'bash', 'systemd-journal', 'chronyd', 'jbd2/sda1-8', 'sshd', 'kworker/2:1H', 'rcu_preempt'];
const CPUS = 8;
const CLASS_SHAPES = [(r) => `&L${r}->lock`, (r) => `L${r}_lock`, (r) => `&L${r}->rwsem`, (r) => `(&L${r}->wait)`];

export class FtraceRenderer {
  constructor(classes) {
    this.irqsaveFrom = Math.floor(classes * 0.9);
    this.held = new Map(); // task -> { count, irqsave }
    this.usec = 100_000_000;
  }

  /** The trace file's header, for `events` entries. */
  header(events) {
    return [
      '# tracer: nop',
      '#',
      `# entries-in-buffer/entries-written: ${events}/${events}   #P:${CPUS}`,
      '#',
      '#                                _-----=> irqs-off/BH-disabled',
      '#                               / _----=> need-resched',
      '#                              | / _---=> hardirq/softirq',
      '#                              || / _--=> preempt-depth',
      '#                              ||| / _-=> migrate-disable',
      '#                              |||| /     delay',
      '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
      '#              | |         |   |||||     |         |',
    ];
  }

  /** One event's line, or null for an op the lock tracepoints do not print. */
  line(event) {
    if (event.op !== 'acquire' && event.op !== 'release') return null;
    const task = Number(String(event.task).slice(1));
    const rank = Number(String(event.lock).replace(/^L/, ''));
    let state = this.held.get(task);
    if (state === undefined) {
      state = { count: 0, irqsave: 0 };
      this.held.set(task, state);
    }
    const irqsave = rank >= this.irqsaveFrom;
    if (event.op === 'acquire') {
      state.count++;
      if (irqsave) state.irqsave++;
    }
    const irqsOff = state.irqsave > 0 ? 'd' : '.';
    const depth = Math.min(state.count, 15).toString(16);
    if (event.op === 'release') {
      state.count = Math.max(0, state.count - 1);
      if (irqsave) state.irqsave = Math.max(0, state.irqsave - 1);
    }
    this.usec += 1 + (rank % 3);
    const comm = COMMS[task % COMMS.length];
    const pid = 100 + task * 7;
    const cpu = String(task % CPUS).padStart(3, '0');
    const seconds = String(Math.floor(this.usec / 1e6)).padStart(5, ' ');
    const micros = String(this.usec % 1e6).padStart(6, '0');
    const prefix = `${comm.padStart(16, ' ')}-${String(pid).padEnd(7, ' ')} [${cpu}] ${irqsOff}..${depth}. ${seconds}.${micros}:`;
    const address = (0x10000000 + rank * 0x1f3a5).toString(16).padStart(16, '0');
    const name = CLASS_SHAPES[rank % CLASS_SHAPES.length](rank);
    if (event.op === 'release') return `${prefix} lock_release: ${address} ${name}`;
    const isTry = event.try === true || rank % 17 === 5;
    const isRead = (event.mode !== undefined && event.mode !== 'write') || (!irqsave && rank % 10 === 3);
    return `${prefix} lock_acquire: ${address} ${isTry ? 'try ' : ''}${isRead ? 'read ' : ''}${name}`;
  }
}

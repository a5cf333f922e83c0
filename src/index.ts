/**
 * The public, typed ESM API of `lockdep` (package entry `.`). A re-export file only: every
 * name lives in its own module. Groups: the simulation runtime and its instrumented primitives;
 * checking traces (checkTrace, trace reading and writing, the event types); rules; results and
 * findings; report formats; the engine, for custom hooks. The vitest helper is the entry
 * `lockdep/testing`, the async-mutex drop-in `lockdep/async-mutex`.
 * The last block is internal: exported for the project's own examples and tools, stripped from
 * the published types (`stripInternal`), free to change. test/package/api/ holds the exported
 * names of every entry; its test fails on any change to them.
 */

// Simulation runtime
export { LockdepRuntime } from './sim/runtime.js';
export type { AcquireOptions, FindingReaction, LockdepRuntimeOptions } from './sim/runtime.js';
export { defaultRuntime, setDefaultRuntime } from './sim/default-runtime.js';
export type { RuleInput, RuleSource } from './sim/rule-source.js';
export { Task } from './sim/task.js';
export { Simulation } from './sim/simulation.js';
export type { TaskFunction } from './sim/simulation.js';
export type { BlockedTask, DeadlockReport, SimulationResult, TaskError, WaitForStep } from './sim/simulation-outcome.js';
export { DeadlockDetector } from './sim/deadlock-detector.js';
export type { DeadlockReaction } from './sim/deadlock-detector.js';
export { formatDeadlockReport } from './sim/wait-for.js';
export { DeadlockError } from './sim/deadlock-error.js';
export { LockdepFindingError, SimulationUsageError, SpinLockContendedError } from './sim/errors.js';

// Instrumented primitives
export { Mutex } from './sim/mutex.js';
export { RwSemaphore } from './sim/rw-semaphore.js';
export type { RwSemaphoreOptions } from './sim/rw-semaphore.js';
export { SpinLock } from './sim/spin-lock.js';
export { RwLock } from './sim/rw-lock.js';
export type { RwLockOptions } from './sim/rw-lock.js';
export { LockMap } from './sim/lock-map.js';
export type { LockMapOptions } from './sim/lock-map.js';
export { Completion, WaitQueue } from './sim/wait-queue.js';
export { KeyedLocks } from './sim/keyed-locks.js';
export type { KeyedLocksOptions } from './sim/keyed-locks.js';
export type { LockOptions, TaskArg } from './sim/lock-primitive.js';

// Checking traces: the one call, trace reading and writing, the event types
export { checkTrace } from './check/check-trace.js';
export type { CheckTraceOptions } from './check/check-trace.js';
export { readTrace, parseTraceText } from './events/jsonl-reader.js';
export type { ReadTraceOptions, TraceRecord } from './events/jsonl-reader.js';
export { JsonlTraceWriter, formatTrace, writeTraceFile } from './events/jsonl-writer.js';
export { InputError, isInputError } from './io/input-error.js';
export { LOCK_MODES, LOCK_TYPES, TRACE_FORMAT_VERSION } from './events/event.js';
export type {
  AccessEvent,
  AcquireEvent,
  AssertEvent,
  AssertKind,
  EventOp,
  EventOrigin,
  ExitEvent,
  FreeEvent,
  InitEvent,
  IrqAction,
  IrqEvent,
  IrqKind,
  LockId,
  LockMode,
  LockType,
  MightSleepEvent,
  ReleaseEvent,
  SyncEvent,
  TaskId,
  TraceEvent,
  TraceHeader,
} from './events/event.js';

// Rules
export { createRuleHooks, loadRuleFiles, loadRuleTexts, rulesJsonSchema } from './rules/index.js';
export type { RuleHookOptions, RuleSet } from './rules/index.js';

// Results and findings
export type { CheckResult, Summary, TraceSummary } from './engine/result.js';
export { FINDING_KINDS, SEVERITIES } from './engine/finding.js';
export type {
  DepType,
  DependencyWitness,
  EventRef,
  Finding,
  FindingKind,
  HeldLockRef,
  IrqDetail,
  LockInfo,
  RuleDetail,
  Severity,
  SplatDetail,
} from './engine/finding.js';
export type { BlockedTaskRef, DeadlockDetail, WaitForEdge } from './engine/deadlock-detail.js';
export { GRAPH_SNAPSHOT_VERSION } from './engine/snapshot.js';
export type { GraphSnapshot, SnapshotClass, SnapshotDependency } from './engine/snapshot.js';

// Report formats
export { renderReport, REPORT_FORMATS } from './report/registry.js';
export { renderText, renderFindingText } from './report/text.js';
export type { TextReportOptions } from './report/text.js';
export { renderJson } from './report/json.js';

// The engine, for custom hooks
export { Validator } from './engine/validator.js';
export type { ValidatorOptions } from './engine/validator.js';
export type { AccessContext, AcquireContext, EngineHooks, EngineQuery, LockView } from './engine/hooks.js';

// Internal: not in the published types
/** @internal */
export { DEFAULT_MAX_DEPTH } from './engine/validator.js';
/** @internal */
export { ASSERT_KINDS, EVENT_OPS, IRQ_ACTIONS, IRQ_KINDS } from './events/event.js';
/** @internal */
export { AsyncTaskContext } from './sim/async-context.js';
/** @internal */
export type { TaskStatus } from './sim/task.js';

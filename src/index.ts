/**
 * The public, typed ESM API of `lockdep` (package entry `.`). A re-export file only: every
 * name lives in its own module. Groups: the engine (Validator and its data types), trace I/O,
 * rules, reporters, and the simulation runtime with its instrumented primitives.
 * The vitest helper is the separate entry `lockdep/testing`.
 */

// Engine
export { Validator, DEFAULT_MAX_DEPTH } from './engine/validator.js';
export type { ValidatorOptions } from './engine/validator.js';
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
} from './engine/finding.js';
export type { CheckResult, Summary, TraceSummary } from './engine/result.js';
export type { AccessContext, AcquireContext, EngineHooks, EngineQuery, LockView } from './engine/hooks.js';
export { GRAPH_SNAPSHOT_VERSION } from './engine/snapshot.js';
export type { GraphSnapshot, SnapshotClass, SnapshotDependency } from './engine/snapshot.js';

// Events and traces
export {
  ASSERT_KINDS,
  EVENT_OPS,
  IRQ_ACTIONS,
  IRQ_KINDS,
  LOCK_MODES,
  LOCK_TYPES,
  TRACE_FORMAT_VERSION,
} from './events/event.js';
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
export { InputError, isInputError } from './io/input-error.js';
export { readTrace, parseTraceText } from './events/jsonl-reader.js';
export type { ReadTraceOptions, TraceRecord } from './events/jsonl-reader.js';
export { JsonlTraceWriter, formatTrace, writeTraceFile } from './events/jsonl-writer.js';
export { checkTrace } from './check/check-trace.js';
export type { CheckTraceOptions } from './check/check-trace.js';

// Rules
export { createRuleHooks, loadRuleFiles, loadRuleTexts, rulesJsonSchema } from './rules/index.js';
export type { RuleHookOptions, RuleSet } from './rules/index.js';

// Reporters
export { renderText, renderFindingText } from './report/text.js';
export type { TextReportOptions } from './report/text.js';
export { renderJson } from './report/json.js';
export { renderReport, REPORT_FORMATS } from './report/registry.js';

// Simulation runtime and instrumented primitives
export { LockdepRuntime } from './sim/runtime.js';
export type { AcquireOptions, FindingReaction, LockdepRuntimeOptions } from './sim/runtime.js';
export { DeadlockDetector } from './sim/deadlock-detector.js';
export type { DeadlockReaction } from './sim/deadlock-detector.js';
export { DeadlockError } from './sim/deadlock-error.js';
export type { BlockedTaskRef, DeadlockDetail, WaitForEdge } from './engine/deadlock-detail.js';
export type { RuleInput, RuleSource } from './sim/rule-source.js';
export { Task } from './sim/task.js';
export type { TaskStatus } from './sim/task.js';
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
export { Simulation } from './sim/simulation.js';
export type { TaskFunction } from './sim/simulation.js';
export type { BlockedTask, DeadlockReport, SimulationResult, TaskError, WaitForStep } from './sim/simulation-outcome.js';
export { formatDeadlockReport } from './sim/wait-for.js';
export { AsyncTaskContext } from './sim/async-context.js';
export { defaultRuntime, setDefaultRuntime } from './sim/default-runtime.js';
export { LockdepFindingError, SimulationUsageError, SpinLockContendedError } from './sim/errors.js';

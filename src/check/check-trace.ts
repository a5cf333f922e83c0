/**
 * Checks one trace file from an empty graph: stream its events through a fresh Validator and
 * return the result. Invariants: no state is shared between calls (each call owns its
 * Validator and hooks), so files can be checked in any order or in worker threads; the trace is
 * streamed, never loaded whole; input errors reject with an InputError naming `file:line`.
 */
import type { EngineHooks } from '../engine/hooks.js';
import type { Finding } from '../engine/finding.js';
import type { CheckResult } from '../engine/result.js';
import type { GraphSnapshot } from '../engine/snapshot.js';
import type { GraphColumns } from '../engine/graph-columns.js';
import { Validator, type ValidatorLimits, type ValidatorOptions } from '../engine/validator.js';
import type { EventOrigin, LockType } from '../events/event.js';
import { importTrace } from '../events/import-trace.js';
import type { InputFormatChoice } from '../events/import-trace.js';
import { traceDisplayName } from '../events/jsonl-reader.js';
import type { UndecidableRule } from '../rules/graph-decidability.js';
import { withGraphInputVerdicts } from './graph-input-verdicts.js';
import type { ReadTraceOptions } from '../events/jsonl-reader.js';
import { takeSplat } from './splat-intake.js';

/** What `lockdep check` options turn into for one file. */
export interface CheckTraceOptions {
  /** Held-lock depth limit (the kernel's MAX_LOCK_DEPTH); the validator's default when absent. */
  maxDepth?: number;
  /** Capacity limits (`--max-classes`, `--max-tasks`, `--max-locks`); the validator's defaults when absent. */
  limits?: Partial<ValidatorLimits>;
  /** Builds the engine hooks (rule engine...) for one file; called once per file. */
  createHooks?: (file: string) => EngineHooks[];
  /** Called once per new finding, as it is made. */
  onFinding?: (finding: Finding) => void;
  /** How to read the trace (display name, stdin stream, chunk size). */
  read?: ReadTraceOptions;
  /** Receives the file's mergeable graph snapshot after the check (`--save-graph`, graph formats). */
  onSnapshot?: (snapshot: GraphSnapshot) => void;
  /** Receives the file's class graph as the engine keeps it, after the check (no snapshot built: `lockdep infer`). */
  onGraphColumns?: (columns: GraphColumns) => void;
  /** Trace format (`--input-format`): jsonl, ftrace, std, or auto (detected; the default). */
  inputFormat?: InputFormatChoice;
  /** Lock type per class for importers whose input has none (config `classTypes`). */
  classTypes?: ReadonlyMap<string, LockType>;
  /** Input conditions that weaken the check without stopping it (ftrace lost events, skipped lines). */
  onInputWarning?: (message: string, origin: EventOrigin) => void;
  /** Active rules a dependency graph cannot decide: reported as notices when the input is one (/proc/lockdep). */
  graphUndecidableRules?: readonly UndecidableRule[];
  /** Called when the input turned out to be a dependency graph (/proc/lockdep), whose acquisitions are replayed edges. */
  onGraphInput?: () => void;
}

/** The Validator's options for one file: the one place check options map onto the engine. */
export function validatorOptionsFor(file: string, options: CheckTraceOptions): ValidatorOptions {
  const validatorOptions: ValidatorOptions = { file };
  if (options.maxDepth !== undefined) validatorOptions.maxDepth = options.maxDepth;
  if (options.limits !== undefined) validatorOptions.limits = options.limits;
  if (options.createHooks !== undefined) validatorOptions.hooks = options.createHooks(file);
  if (options.onFinding !== undefined) validatorOptions.onFinding = options.onFinding;
  return validatorOptions;
}

export async function checkTrace(file: string, options: CheckTraceOptions = {}): Promise<CheckResult> {
  const displayName = traceDisplayName(file, options.read);
  const validator = new Validator(validatorOptionsFor(displayName, options));
  const imported = await importTrace(file, (event, origin) => validator.process(event, origin), {
    fast: validator,
    onSplat: (splat) => takeSplat(validator, splat, displayName),
    ...(options.inputFormat !== undefined ? { format: options.inputFormat } : {}),
    ...(options.classTypes !== undefined ? { classTypes: options.classTypes } : {}),
    ...(options.onInputWarning !== undefined ? { onWarning: options.onInputWarning } : {}),
    ...(options.read !== undefined ? { read: options.read } : {}),
  });
  validator.end();
  options.onSnapshot?.(validator.snapshot());
  options.onGraphColumns?.(validator.graphColumns());
  const result = validator.result();
  if (imported.notices !== undefined && imported.notices.length > 0) result.notices = [...imported.notices];
  if (imported.graph === undefined) return result;
  options.onGraphInput?.();
  return withGraphInputVerdicts(result, imported.graph, displayName, options.graphUndecidableRules ?? []);
}

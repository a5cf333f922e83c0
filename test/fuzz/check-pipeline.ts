/**
 * The in-process pipeline every trace fuzzer drives: events (from any reader) into a fresh
 * Validator with the seed rule set's hooks, then every synchronous output format. Returns the
 * result, or the clean InputError that stopped the check (capacity limits, bad input).
 * Invariant: anything thrown other than an InputError propagates (a crash fails the property);
 * a result is checked with `expectValidResult` and every format must render it.
 */
import { Validator } from '../../src/engine/validator.js';
import type { ValidatorLimits } from '../../src/engine/validator.js';
import type { CheckResult } from '../../src/engine/result.js';
import type { GraphSnapshot } from '../../src/engine/snapshot.js';
import type { EventOrigin, TraceEvent } from '../../src/events/event.js';
import { InputError } from '../../src/io/input-error.js';
import { REPORT_FORMATS } from '../../src/report/registry.js';
import { createRuleHooks } from '../../src/rules/rule-hooks.js';
import { loadRuleTexts } from '../../src/rules/loader.js';
import type { RuleSet } from '../../src/rules/rule-set.js';
import { expectValidResult } from './fuzz-support.js';
import { RULE_SEEDS } from './seeds.js';

let ruleSet: RuleSet | undefined;
function seedRules(): RuleSet {
  ruleSet ??= loadRuleTexts([{ file: 'seed-rules.yaml', text: RULE_SEEDS[0] ?? '' }]);
  return ruleSet;
}

export interface PipelineOptions {
  rules?: boolean;
  maxDepth?: number;
  limits?: Partial<ValidatorLimits>;
}

/** A validator fed one event at a time; `finish()` ends it and returns the checked result. */
export class CheckPipeline {
  readonly validator: Validator;

  constructor(file: string, options: PipelineOptions = {}) {
    this.validator = new Validator({
      file,
      hooks: options.rules === false ? [] : [createRuleHooks(seedRules(), { strictOrder: true })],
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
      ...(options.limits === undefined ? {} : { limits: options.limits }),
    });
  }

  readonly sink = (event: TraceEvent, origin: EventOrigin): void => {
    this.validator.process(event, origin);
  };

  finish(): CheckResult {
    this.validator.end();
    const result = this.validator.result();
    expectValidResult(result);
    return result;
  }
}

/** Synchronous formats (html needs the wasm graph layout; the robustness suite renders it). */
const SYNC_FORMATS = [...REPORT_FORMATS.values()].filter((format) => format.name !== 'html');

/** Renders a result in every synchronous format; each must give a non-empty string. */
export function renderAll(result: CheckResult, snapshot: GraphSnapshot | null = null): Map<string, string> {
  const out = new Map<string, string>();
  for (const format of SYNC_FORMATS) {
    const text = format.render(result, { snapshot, color: false });
    if (typeof text !== 'string') throw new Error(`${format.name} rendered asynchronously`);
    if (text.trim().length === 0) throw new Error(`${format.name} rendered nothing`);
    out.set(format.name, text);
  }
  return out;
}

/** Runs `feed` into a pipeline: the checked result, or the InputError that stopped it. */
export function runPipeline(file: string, feed: (sink: CheckPipeline['sink']) => void, options: PipelineOptions = {}): CheckResult | InputError {
  const pipeline = new CheckPipeline(file, options);
  try {
    feed(pipeline.sink);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  return pipeline.finish();
}

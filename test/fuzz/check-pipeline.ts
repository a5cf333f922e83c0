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
import { renderDot } from '../../src/report/dot.js';
import { renderGithub } from '../../src/report/github.js';
import { renderGraphml } from '../../src/report/graphml.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { withNoticeLines } from '../../src/report/text-notices.js';
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

/**
 * Every report format but html (which needs the wasm graph layout; the robustness suite renders
 * it), called synchronously: the registry loads each renderer on first use, so its `render` is
 * asynchronous, and the fuzz properties are synchronous. `renderAll` refuses to run when the
 * registry has a format this table lacks, so a new format is fuzzed as soon as it exists.
 */
const SYNC_RENDERERS: ReadonlyMap<string, (result: CheckResult, snapshot: GraphSnapshot | null) => string> = new Map([
  ['text', (result: CheckResult) => withNoticeLines(renderText(result, { color: false }), result)],
  ['json', renderJson],
  ['sarif', renderSarif],
  ['github', renderGithub],
  ['junit', renderJunit],
  ['markdown', renderMarkdown],
  ['dot', renderDot],
  ['graphml', renderGraphml],
]);
const UNFUZZED_FORMATS = new Set(['html']);

/** Renders a result in every format but html; each must give a non-empty string. */
export function renderAll(result: CheckResult, snapshot: GraphSnapshot | null = null): Map<string, string> {
  const missing = [...REPORT_FORMATS.keys()].filter((name) => !SYNC_RENDERERS.has(name) && !UNFUZZED_FORMATS.has(name));
  if (missing.length > 0) throw new Error(`report formats missing from the fuzz renderers: ${missing.join(', ')}`);
  const out = new Map<string, string>();
  for (const [name, render] of SYNC_RENDERERS) {
    const text = render(result, snapshot);
    if (text.trim().length === 0) throw new Error(`${name} rendered nothing`);
    out.set(name, text);
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

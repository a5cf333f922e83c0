/**
 * A parsed YAML file that can say where things are: `file:line:col` for a YAML syntax error, for
 * the node at a data path (`['rules', 2, 'outer']`), for a key of a mapping (unknown keys), and
 * for a substring inside a scalar (a class name inside `chain: "a < b < c"`).
 * Invariants: every error leaves here as an `InputError` with 1-based line and column; data is
 * read with `toJS()`, which keeps user-supplied keys such as `__proto__` as own properties.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { InputError } from '../io/input-error.js';

export type DataPath = readonly PropertyKey[];

/** Where inside a node: a mapping key, or a substring of a scalar (at `valueOffset` in its value). */
export interface LocateOptions {
  key?: string;
  substring?: string;
  valueOffset?: number;
}

export interface SourcePosition {
  line: number;
  col: number;
}

/** The parser recurses per nesting level: its stack overflow means the YAML is nested too deeply. */
const TOO_DEEP = 'YAML nested too deeply for the parser (rule files and configs nest a few levels; flatten the value)';

/**
 * Flow brackets (`[`, `{`) left open at once beyond this many are refused before the parser sees
 * them: thousands of levels (a fuzzed 24 kB config) make the yaml package abort the process now
 * and then (V8's "RegExpCompiler Allocation failed - process out of memory", uncatchable), and
 * no rule file or config nests more than a few levels. Brackets are counted everywhere, quoted
 * strings included: a legitimate file never has hundreds open at once.
 */
const MAX_OPEN_FLOW_BRACKETS = 256;

/** The offset where more than MAX_OPEN_FLOW_BRACKETS flow brackets are open at once, or -1. */
function tooDeepFlowOffset(text: string): number {
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++open > MAX_OPEN_FLOW_BRACKETS) return i;
    } else if ((c === 0x5d || c === 0x7d) && open > 0) open--;
  }
  return -1;
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof Error && /call stack/i.test(error.message);
}

/**
 * Where a stack overflow most likely started when the parser could not say: the start of the line
 * that opens the most levels (flow brackets, `- ` entries, indentation).
 */
function mostNestedLineOffset(text: string): number {
  let best = 0;
  let bestScore = -1;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let score = 0;
    let indent = true;
    for (let i = start; i < end; i++) {
      const c = text[i];
      if (indent && c === ' ') score += 0.5;
      else indent = false;
      if (c === '[' || c === '{' || (c === '-' && text[i + 1] === ' ')) score++;
    }
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
    start = end + 1;
  }
  return best;
}

export class YamlSource {
  readonly file: string;
  readonly text: string;
  private readonly doc: Document;
  private readonly lineCounter: LineCounter;

  private constructor(file: string, text: string, doc: Document, lineCounter: LineCounter) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.lineCounter = lineCounter;
  }

  /** Parse `text`; throws an InputError at the first YAML syntax error (duplicate keys included). */
  static parse(file: string, text: string): YamlSource {
    const lineCounter = new LineCounter();
    const tooDeep = tooDeepFlowOffset(text);
    if (tooDeep >= 0) {
      lineCounter.addNewLine(0);
      for (let at = text.indexOf('\n'); at >= 0 && at < tooDeep; at = text.indexOf('\n', at + 1)) lineCounter.addNewLine(at + 1);
      throw new YamlSource(file, text, parseDocument(''), lineCounter).errorAtOffset(tooDeep, TOO_DEEP);
    }
    let doc: Document;
    try {
      doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    } catch (error) {
      // Block sequences and mappings overflow the parser's stack outside its error list.
      if (!isStackOverflow(error)) throw error;
      throw new YamlSource(file, text, parseDocument(''), lineCounter).errorAtOffset(mostNestedLineOffset(text), TOO_DEEP);
    }
    const source = new YamlSource(file, text, doc, lineCounter);
    const error = doc.errors[0];
    if (error) {
      const offset = error.pos[0];
      const message = isStackOverflow(error) ? TOO_DEEP : `YAML syntax error: ${firstLine(error.message)} (fix the YAML syntax)`;
      throw source.errorAtOffset(offset, message);
    }
    return source;
  }

  /** The document as plain data (`undefined` for an empty document). */
  toData(): unknown {
    if (this.doc.contents === null) return undefined;
    try {
      return this.doc.toJS({ maxAliasCount: 1000 }) as unknown;
    } catch (error) {
      // Aliases fail only here: an alias before its anchor, or too many alias expansions.
      let offset = this.doc.contents.range?.[0] ?? 0;
      visit(this.doc, {
        Alias(_key, node) {
          offset = node.range?.[0] ?? offset;
          return visit.BREAK;
        },
      });
      const message = firstLine((error as Error).message);
      const hint = /unresolved/i.test(message) ? 'define the anchor before using the alias' : 'use fewer aliases';
      throw this.errorAtOffset(offset, `YAML error: ${message} (${hint})`);
    }
  }

  /** Position of an offset in the text. */
  positionOf(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line, col };
  }

  /**
   * Position of the node at `path` (the deepest existing node along it). With `key`, the position
   * of that key inside the mapping at `path`; with `substring`, the position of the first
   * occurrence of that text inside the scalar's source (falls back to the scalar's start).
   */
  locate(path: DataPath, options: LocateOptions = {}): SourcePosition {
    const node = this.nodeAt(path);
    if (options.key !== undefined && isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && String(keyNode.value) === options.key && keyNode.range) {
          return this.positionOf(keyNode.range[0]);
        }
      }
    }
    const range = node?.range;
    if (!range) return this.positionOf(this.doc.contents?.range?.[0] ?? 0);
    if (options.substring !== undefined && isScalar(node)) {
      const raw = this.text.slice(range[0], range[1]);
      if (options.valueOffset !== undefined) {
        // Plain or quoted scalar without escapes: the value sits at the same offset (after the quote).
        const quote = raw.startsWith("'") || raw.startsWith('"') ? 1 : 0;
        const at = quote + options.valueOffset;
        if (raw.slice(at, at + options.substring.length) === options.substring) return this.positionOf(range[0] + at);
      }
      const index = raw.indexOf(options.substring);
      if (index >= 0) return this.positionOf(range[0] + index);
    }
    return this.positionOf(range[0]);
  }

  /** An InputError at `path`. */
  errorAt(path: DataPath, message: string, options: LocateOptions = {}): InputError {
    const { line, col } = this.locate(path, options);
    return new InputError(message, { file: this.file, line, col });
  }

  errorAtOffset(offset: number, message: string): InputError {
    const { line, col } = this.positionOf(offset);
    return new InputError(message, { file: this.file, line, col });
  }

  /** `file:line:col` of a path, for messages that point at a second place. */
  describe(path: DataPath, options: LocateOptions = {}): string {
    const { line, col } = this.locate(path, options);
    return `${this.file}:${line}:${col}`;
  }

  private nodeAt(path: DataPath): Node | null {
    let node = this.doc.contents;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => {
          const key = item.key as Node | null;
          return isScalar(key) ? String(key.value) === String(segment) : false;
        });
        if (!pair) return node;
        const value = pair.value as Node | null;
        // `key:` with no value: point at the key.
        if (value === null) return (pair.key as Node | null) ?? node;
        node = value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | null | undefined;
        if (!item) return node;
        node = item;
      } else {
        return node;
      }
    }
    return node;
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '').trim();
}

/**
 * A RuleSet: the rules of one or more rule files, checked as a whole (unique ids, consistent
 * class declarations, an acyclic order), with everything the hooks need precomputed: the order
 * relation and its closure, the classes in lock relations, the documented pairs.
 * Invariant: building a RuleSet either succeeds completely or throws one InputError with
 * `file:line:col`.
 */
import type { LockType } from '../events/event.js';
import { OrderRelation } from './order-relation.js';
import type { ClassRef, LoadedRule, OrderEdge } from './rule-kind.js';
import { ruleKind } from './registry.js';
import type { LocateOptions, YamlSource } from './yaml-source.js';

/** Where a class reference is written, for `YamlSource.locate`. */
export function locateOptions(ref: ClassRef): LocateOptions {
  const options: LocateOptions = {};
  if (ref.substring !== undefined) options.substring = ref.substring;
  if (ref.valueOffset !== undefined) options.valueOffset = ref.valueOffset;
  return options;
}

/** One parsed rule file. */
export interface ParsedRuleFile {
  source: YamlSource;
  rules: LoadedRule[];
  /** `classes:` as written (undefined when the file has none). */
  classes: Map<string, LockType> | undefined;
  /** Declared class -> the other names lockdep prints for it (`aliases:`). */
  aliases: Map<string, string[]>;
  /** The file's `kernels:` (which kernel versions its names are for). */
  kernels: string | undefined;
}

export interface RuleSet {
  files: string[];
  /** Every rule, `off` ones included, in file order. */
  rules: LoadedRule[];
  /** Rules whose severity is not `off`. */
  activeRules: LoadedRule[];
  /** Declared class types from every file's `classes:` (aliases included, with their class's type). */
  classTypes: Map<string, LockType>;
  /** Alias -> the declared class it stands for, from every file. */
  classAliases: Map<string, string>;
  /** File -> its `kernels:` (the kernel versions whose class names it uses), for files that say. */
  kernelsByFile: Map<string, string>;
  order: OrderRelation;
  /** Classes that active rules place in a lock relation (for --strict-order). */
  orderedClasses: Set<string>;
  /** `[held, acquired]` pairs documented by active rules of other kinds (order rules' pairs are in `order`). */
  documentedPairs: Array<[string, string]>;
  /** Classes of active rules inside which nothing is acquired (leaf rules). */
  leafClasses: Set<string>;
}

export function buildRuleSet(files: readonly ParsedRuleFile[]): RuleSet {
  const rules: LoadedRule[] = [];
  const byId = new Map<string, LoadedRule>();
  const classTypes = new Map<string, LockType>();
  const declaredIn = new Map<string, ParsedRuleFile>();
  const classAliases = new Map<string, string>();
  for (const file of files) {
    for (const [name, names] of file.aliases) {
      names.forEach((alias, index) => {
        const other = classAliases.get(alias);
        if (other !== undefined && other !== name) {
          throw file.source.errorAt(['classes', name, 'aliases', index], `alias ${JSON.stringify(alias)} of ${JSON.stringify(name)} is an alias of ${JSON.stringify(other)} in another file (an alias names one class)`);
        }
        classAliases.set(alias, name);
      });
    }
    if (file.classes) {
      for (const [name, type] of file.classes) {
        const known = classTypes.get(name);
        const first = declaredIn.get(name);
        if (known !== undefined && known !== type && first) {
          throw file.source.errorAt(['classes'], `class ${JSON.stringify(name)} is declared as ${type} here but as ${known} at ${first.source.describe(['classes'], { key: name })} (use one type)`, { key: name });
        }
        classTypes.set(name, type);
        if (!first) declaredIn.set(name, file);
      }
    }
    for (const rule of file.rules) {
      const earlier = byId.get(rule.id);
      if (earlier) {
        throw rule.source.errorAt(
          [...rule.path, 'id'],
          `duplicate rule id ${JSON.stringify(rule.id)} (first defined at ${earlier.source.describe([...earlier.path, 'id'])}; rename one)`,
        );
      }
      byId.set(rule.id, rule);
      rules.push(rule);
    }
  }

  const edges: OrderEdge[] = [];
  for (const rule of rules) {
    const module = ruleKind(rule.kind);
    if (module.orderEdges) edges.push(...module.orderEdges(rule));
  }
  const order = OrderRelation.build(edges, (edge, message) =>
    edge.rule.source.errorAt([...edge.rule.path, ...edge.at.path], message, locateOptions(edge.at)),
  );

  const activeRules = rules.filter((rule) => rule.severity !== 'off');
  const orderedClasses = new Set<string>();
  const documentedPairs: Array<[string, string]> = [];
  const leafClasses = new Set<string>();
  for (const rule of activeRules) {
    const module = ruleKind(rule.kind);
    for (const ref of module.classRefs(rule.spec)) if (ref.ordered) orderedClasses.add(ref.name);
    if (module.documentedPairs) documentedPairs.push(...module.documentedPairs(rule.spec));
    if (module.leafClasses) for (const name of module.leafClasses(rule.spec)) leafClasses.add(name);
  }
  return {
    files: files.map((file) => file.source.file),
    rules,
    activeRules,
    classTypes: withAliasTypes(classTypes, classAliases),
    classAliases,
    kernelsByFile: new Map(files.flatMap((file) => (file.kernels === undefined ? [] : [[file.source.file, file.kernels] as const]))),
    order,
    orderedClasses,
    documentedPairs,
    leafClasses,
  };
}

/** The declared types, plus each alias typed as its class. */
function withAliasTypes(classTypes: ReadonlyMap<string, LockType>, classAliases: ReadonlyMap<string, string>): Map<string, LockType> {
  const types = new Map(classTypes);
  for (const [alias, name] of classAliases) {
    const type = classTypes.get(name);
    if (type !== undefined && !types.has(alias)) types.set(alias, type);
  }
  return types;
}

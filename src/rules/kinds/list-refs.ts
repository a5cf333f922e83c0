/**
 * Class references of a `classList` field (`lock: a` or `lock: [a, b]`) with their data paths,
 * shared by the rule kinds.
 */
import type { ClassRef } from '../rule-kind.js';
import type { ClassList } from '../schema-common.js';

export function listRefs(list: ClassList | undefined, key: string, ordered: boolean): ClassRef[] {
  if (list === undefined) return [];
  if (typeof list === 'string') return [{ name: list, path: [key], ordered }];
  return list.map((name, index) => ({ name, path: [key, index], ordered }));
}

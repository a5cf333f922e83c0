/**
 * Schema pieces shared by every rule kind: names, modes, severities and the fields every rule
 * carries (`id`, `kind`, `severity`, `description`, `source`, `note`). Invariant: every object schema is a
 * `z.strictObject` (unknown keys are errors), and every field has a description for editors.
 */
import { z } from 'zod';

const RULE_SEVERITIES = ['error', 'warning', 'info', 'off'] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

/** How a held lock must be held: `write` (exclusive), `read` (shared, recursive or not), `any`. */
const HOLD_MODES = ['write', 'read', 'any'] as const;
export type HoldMode = (typeof HOLD_MODES)[number];

/** Which accesses a guarded-by rule covers. */
export const ACCESS_KINDS = ['read', 'write', 'any'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

export const className = z.string().min(1).meta({
  description: "A lock class as lockdep names it, e.g. '&kvm->slots_lock' or 'mmu_notifier_invalidate_range_start'.",
});

export const classList = z
  .union([className, z.array(className).min(1)], { error: 'must be a class name or a list of class names' })
  .meta({ description: 'One lock class, or a list of lock classes.' });
export type ClassList = z.infer<typeof classList>;

export const holdMode = z.enum(HOLD_MODES).meta({
  description: "'write' (exclusive side), 'read' (shared side, recursive or not) or 'any' (default).",
});

export const ruleId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit' })
  .meta({ description: 'Unique id of the rule, reported as the finding\'s `rule`.' });

export const severity = z.enum(RULE_SEVERITIES).meta({
  description: "Severity of a violation: 'error' (default; fails `lockdep check`), 'warning', 'info', or 'off' (rule disabled).",
});

/** Fields every rule has; each kind adds its own and a `kind` literal. */
export const baseRuleFields = {
  id: ruleId,
  severity: severity.optional(),
  description: z.string().min(1).meta({ description: 'The documentation sentence this rule encodes, quoted.' }),
  source: z
    .string()
    .min(1)
    .optional()
    .meta({
      description:
        "Where the rule comes from: a document and the kernel version or commit it was read at (e.g. 'Documentation/virt/kvm/locking.rst, v6.13'), or a commit or Message-ID for a rule that is not in the document. Reports show it next to the description.",
    }),
  note: z.string().optional().meta({ description: 'Free text: rationale, history.' }),
};

/** Normalize a class list to an array. */
export function classArray(list: ClassList): string[] {
  return typeof list === 'string' ? [list] : [...list];
}

/** Every (outer, inner) pair of two class lists, e.g. the documented orders `inside -> lock`. */
export function classPairs(outer: ClassList, inner: ClassList | undefined): Array<[string, string]> {
  if (inner === undefined) return [];
  const inners = classArray(inner);
  return classArray(outer).flatMap((first) => inners.map((second): [string, string] => [first, second]));
}

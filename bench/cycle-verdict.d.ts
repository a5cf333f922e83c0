/** Types of bench/cycle-verdict.js, for the tests that import it. */
export interface CycleVerdict {
  ok: boolean;
  detail: string;
}
export declare const EXPECTED_LOCKS: readonly number[];
export declare const EXPECTED_CLASSES: readonly string[];
export declare function helgrindVerdict(stderr: string, stdout: string): CycleVerdict;
export declare function lockdepVerdict(stdout: string): CycleVerdict;

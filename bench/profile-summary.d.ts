/** Types of bench/profile-summary.js, for the tests that import it. */
export interface CallFrame {
  functionName: string;
  url: string;
}
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}
export interface ProfileSummary {
  totalMs: number;
  areas: Array<{ area: string; ms: number }>;
  top: Array<{ name: string; source: string; ms: number }>;
}
export declare function areaOf(callFrame: CallFrame): string;
export declare function sourceOf(url: string): string;
export declare function summarizeProfile(profile: CpuProfile, top?: number): ProfileSummary;

/** Types of scripts/update-bench-table.mjs, for the tests that import it. */
export interface BenchRow {
  id: string;
  figure: string;
  measured: string;
  target: string;
  status: string;
  readme: boolean;
}
/** What the tables are made of (docs/bench-results.json). */
export interface BenchRecord {
  date: string;
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGb: string; platform: string; node: string; load: string };
  header: string[];
  rows: BenchRow[];
  failures: string[];
  cpuSplit: string[][];
  /** Each target's status in the last HISTORY_RUNS runs written (this one last). */
  history: Array<{ date: string; load: string; statuses: Record<string, string> }>;
}
/** A bench run's results (.bench/results.json); only the fields the script reads are typed. */
export type BenchResults = Omit<BenchRecord, 'cpuSplit' | 'failures' | 'history'> & { failures?: string[]; [other: string]: unknown };
export declare const BENCH_DOCS: ReadonlyArray<{ file: string; marker: string; render: (record: BenchRecord) => string }>;
export declare const BENCH_RECORD: string;
export declare const HISTORY_RUNS: number;
export declare function benchRecord(results: BenchResults, previous?: Partial<BenchRecord>): BenchRecord;
export declare function renderReadmeTable(record: BenchRecord): string;
export declare function renderPerformanceTables(record: BenchRecord): string;
export declare function replaceBetweenMarkers(text: string, marker: string, content: string, file?: string): string;
export declare function unusableResults(results: unknown): string | null;
export declare function updateBenchDocs(root: string, results: BenchResults): string[];

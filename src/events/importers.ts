/**
 * The importer registry: every trace format `lockdep check`, `convert`, `baseline` and streams
 * read, in detection order. Owns the `--input-format` names (`INPUT_FORMATS`, and the CLI's
 * choices with `auto`). Adding an importer touches two files: its module, which defines its
 * entry with `defineImporter` (importer.ts), and the list below.
 * Invariants: names are unique; detection asks the importers in this order, so a format whose
 * lines another format's `detect` would also accept comes after it.
 */
import { dmesgImporter } from './dmesg-reader.js';
import { ftraceImporter } from './ftrace-reader.js';
import { jsonlImporter } from './jsonl-reader.js';
import { perfImporter } from './perf-script-reader.js';
import { procLockdepImporter } from './proc-lockdep-reader.js';
import { stdImporter } from './std-reader.js';

export const IMPORTERS = [jsonlImporter, ftraceImporter, perfImporter, stdImporter, procLockdepImporter, dmesgImporter] as const;

export type InputFormat = (typeof IMPORTERS)[number]['name'];
export type InputFormatChoice = InputFormat | 'auto';

export const INPUT_FORMATS: readonly InputFormat[] = IMPORTERS.map((importer) => importer.name);
/** The `--input-format` choices: `auto` (detect; the default), then every importer's name. */
export const INPUT_FORMAT_CHOICES: readonly InputFormatChoice[] = ['auto', ...INPUT_FORMATS];

/** The importer of a format. */
export function importerOf(format: InputFormat): (typeof IMPORTERS)[number] {
  const importer = IMPORTERS.find((candidate) => candidate.name === format);
  if (importer === undefined) throw new Error(`no importer named ${format}`);
  return importer;
}

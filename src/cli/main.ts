/**
 * The `lockdep` process: runs the command line given to Node (see run-lockdep.ts) and sets the
 * process's exit code from its status, never through `process.exit()` (so stdout is flushed),
 * except on SIGINT: exit 130 at once, outputs not yet renamed into place are dropped.
 */
import { hideBin } from 'yargs/helpers';
import { removePendingTemporaries } from '../io/temp-files.js';
import { runLockdep } from './run-lockdep.js';

/** Exit code of a run interrupted by SIGINT (128 + 2, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/**
 * Ctrl-C: stop at once with exit 130. Outputs are only ever written at the end, each atomically
 * (temp file + rename), so files from earlier runs stay intact; temporaries of a write in flight
 * are removed.
 */
function exitOnInterrupt(): void {
  process.once('SIGINT', () => {
    removePendingTemporaries();
    process.stderr.write('lockdep: interrupted (exit 130); output files not yet written are left as they were\n');
    process.exit(EXIT_INTERRUPTED);
  });
}

export async function main(argv: readonly string[] = hideBin(process.argv)): Promise<void> {
  exitOnInterrupt();
  process.exitCode = await runLockdep(argv);
}

await main();

/**
 * `lockdep report <result.json|graph.json> -f FORMAT[:FILE] ...`: re-renders a saved result
 * (`lockdep check -f json:result.json`) or a saved graph (`--save-graph`, `lockdep merge
 * --save-graph`) in any format, without re-reading the traces. A saved graph also gives the
 * graph formats (dot, graphml, html) the full dependency graph. Gating options apply as in
 * check, so the exit code is the same verdict (0 clean, 1 failing findings, 2 bad input).
 */
import type { Argv, CommandModule } from 'yargs';
import { readResultOrGraph } from '../saved-graph.js';
import { finishRun, gateOptions, prepareOutputs, reportOptions, type GateArgs, type ReportArgs } from '../report-options.js';

export interface ReportCommandArgs extends ReportArgs, GateArgs {
  input: string;
}

export async function runReport(argv: ReportCommandArgs): Promise<void> {
  const prepared = prepareOutputs(argv, [argv.input]);
  const { result, snapshot } = await readResultOrGraph(argv.input);
  process.exitCode = await finishRun(result, argv, { prepared, snapshot });
}

export const reportCommand: CommandModule<object, ReportCommandArgs> = {
  builder: (y) =>
    gateOptions(reportOptions((y as Argv)
      .positional('input', { describe: 'a result (check -f json:FILE) or a graph (check --save-graph FILE)', type: 'string', demandOption: true })))
      .example('$0 report result.json -f sarif:lockdep.sarif -f markdown', 'SARIF to a file, Markdown to stdout')
      .example('$0 report graph.json -f html:report.html', 'the HTML report with the full dependency graph'),
  handler: (argv) => runReport(argv),
};

/**
 * Entry of the `count-speakers` command: dispatch to the subcommands. Owns exit codes; as the
 * process's own entry (processIo) it also owns the run's temp folder and the signals.
 */
import '../runtime/onnxRuntimeEnv.js'; // before anything loads onnxruntime-node
import { runCount } from './count.js';
import { processIo, type CliIo } from './io.js';
import { useRunTempDir } from './runTemp.js';
import { packageVersion as version } from './version.js';

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '-v' || first === '--version') {
    io.stdout(`count-speakers ${version()}\n`);
    return 0;
  }
  if (first === 'der') {
    const { runDer } = await import('./der.js');
    return runDer(rest, io);
  }
  if (first === 'batch') {
    const { runBatch } = await import('./batch.js');
    if (io === processIo) useRunTempDir();
    return runBatch(rest, io);
  }
  if (first === 'report') {
    const { runReport } = await import('./report.js');
    return runReport(rest, io);
  }
  if (first === 'summary') {
    const { runSummary } = await import('./summary.js');
    return runSummary(rest, io);
  }
  if (first === undefined) {
    const { COUNT_HELP } = await import('./count.js');
    io.stderr(COUNT_HELP + '\n');
    return 2;
  }
  if (io === processIo) useRunTempDir();
  return runCount(argv, io);
}

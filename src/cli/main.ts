// `csv-trainer` entry point: dispatches to the subcommands and turns every error into one line.
import { CsvError } from '../core/csv/types';
import { COMPARE_USAGE, runCompare } from './compare';
import { INSPECT_USAGE, runInspect } from './inspect';
import { PREDICT_USAGE, runPredict } from './predict';
import { RERUN_USAGE, runRerun } from './rerun';
import { runTrain, TRAIN_USAGE } from './train';
import { CliIo, EXIT_BAD_INPUT, EXIT_INTERNAL, UsageError } from './io';

const USAGE = `usage:
  csv-trainer inspect FILE [--json]
  csv-trainer train FILE --target COL [--features A,B,…] --mode batch|online
                    [--model linear|logistic|softmax|mlp] [--hidden 64,64]
                    [--lr 0.01] [--batch-size 32] [--epochs 10] [--seed 42]
                    [--shuffle true|false] [--normalize standard|none] [--bias true|false]
                    [--validation-split 0.2] [--backend auto|cpu|wasm]
                    [--out REPORT.json] [--quiet]
  csv-trainer compare FILE --target COL [same training options as train, without --mode]
                    [--online-passes 1] [--out-dir DIR] [--json] [--quiet]
  csv-trainer predict REPORT.json FILE [--out PREDICTIONS.csv] [--quiet]
  csv-trainer rerun REPORT.json [--out NEW-REPORT.json] [--backend auto|cpu|wasm] [--quiet]`;

/** Each command's usage, printed (exit 0) for `csv-trainer COMMAND --help`. */
const COMMAND_USAGE: Record<string, string> = {
  inspect: INSPECT_USAGE,
  train: TRAIN_USAGE,
  compare: COMPARE_USAGE,
  predict: PREDICT_USAGE,
  rerun: RERUN_USAGE,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (Object.hasOwn(COMMAND_USAGE, command ?? '') && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(COMMAND_USAGE[command] + '\n');
    return 0;
  }
  try {
    switch (command) {
      case 'inspect':
        return await runInspect(rest, io);
      case 'train':
        return await runTrain(rest, io);
      case 'compare':
        return await runCompare(rest, io);
      case 'predict':
        return await runPredict(rest, io);
      case 'rerun':
        return await runRerun(rest, io);
      case '--help':
      case '-h':
      case 'help':
        io.stdout(USAGE + '\n');
        return 0;
      default:
        throw new UsageError(command ? `unknown command "${command}"; usage: csv-trainer --help` : USAGE);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof CsvError) {
      io.stderr(`csv-trainer: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`csv-trainer: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.CSV_TRAINER_DEBUG && error instanceof Error) io.stderr(`${error.stack}\n`);
    return EXIT_INTERNAL;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}

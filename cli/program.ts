import { Command, CommanderError } from 'commander';
import { registerAppend } from './commands/append.js';
import { registerDlq } from './commands/dlq.js';
import { registerExport } from './commands/export.js';
import { registerHead } from './commands/head.js';
import { registerImport } from './commands/import.js';
import { registerProjections } from './commands/projections.js';
import { registerRead } from './commands/read.js';
import { registerStats } from './commands/stats.js';
import { registerSubscriptions } from './commands/subscriptions.js';
import { registerTail } from './commands/tail.js';
import { describeError, ExitCode } from './errors.js';

/** The whole command line: global options for where the store is, then one command per file. */
export function buildProgram(): Command {
  const program = new Command('dynamo-event-store')
    .description(
      'Operate a dynamo-event-store: by default the local runtime (npm start) on ./.data; on AWS with --region/--profile and --table, or --stack NAME',
    )
    .option('--endpoint <url>', 'a DynamoDB (Local) endpoint (env DYNAMODB_ENDPOINT)')
    .option('--region <region>', 'AWS region: work against AWS')
    .option('--profile <profile>', 'AWS profile: work against AWS')
    .option('--table <name>', 'the events table (env EVENTS_TABLE_NAME)')
    .option('--read-model-table <name>', 'the read-model table (env READ_MODEL_TABLE_NAME)')
    .option('--snapshot-table <name>', 'the snapshot table (env SNAPSHOT_TABLE_NAME)')
    .option(
      '--stack <name>',
      "take the tables and dead-letter queues from a deployed stack's outputs",
    )
    .option('--data-dir <dir>', "the local runtime's data folder (env DATA_DIR, default .data)")
    .option('--json', 'JSON for scripts: one value per line, no colours or progress')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      // Commander's own usage errors become the one-line format of every other error.
      outputError: (text, write) =>
        write(`error ValidationError: ${text.replace(/^error:\s*/, '').trim()}\n`),
    });
  for (const register of [
    registerRead,
    registerHead,
    registerAppend,
    registerTail,
    registerProjections,
    registerSubscriptions,
    registerDlq,
    registerStats,
    registerExport,
    registerImport,
  ]) {
    register(program);
  }
  program.commands.forEach(function inherit(command: Command) {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(inherit);
  });
  return program;
}

/** Runs the command line; resolves to the exit status. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with status 0; commander printed them.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const { code, message, exit } = describeError(error);
    const json = argv.includes('--json');
    process.stderr.write(
      json ? `${JSON.stringify({ error: code, message })}\n` : `error ${code}: ${message}\n`,
    );
    return exit;
  }
}

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VERSION } from '../version.js';
import { reportError } from './errors.js';
import { guardOutput } from './output-guard.js';

/** Options every command takes (SPEC §1); also accepted before the command name. */
function withLocations(cmd: Command): Command {
  return cmd
    .option('--conf <dir>', 'templates folder (env WF_CONF)', undefined)
    .option('--registry <dirs>', 'hook registry folder(s), comma-separated (env WF_REGISTRY)')
    .option('--state <dir>', 'state folder for the run database (env WF_STATE)');
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** Each command imports its module only when it runs, so `wf --help` loads nothing heavy. */
function lazy(load: () => Promise<object>, fn: string) {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = { ...cmd.parent?.opts(), ...cmd.opts() };
    const positional = args.slice(0, -2);
    const mod = (await load()) as Record<string, (o: unknown, ...p: unknown[]) => Promise<number>>;
    process.exitCode = await mod[fn]!(opts, ...positional);
  };
}

export async function main(argv: string[]): Promise<void> {
  guardOutput();
  const program = withLocations(new Command('wf'))
    .description('Run metadata-driven pipelines: YAML templates in conf/, hooks in a registry.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  withLocations(program.command('run <pipeline>'))
    .description('run one pipeline now')
    .option('-p, --param <name=value>', 'set a param (repeatable)', collect, [])
    .option('--params-file <file>', 'params from a .json or .yml file')
    .option('--dry-run', 'print each stage as it would run (scripts as rendered); run nothing')
    .option('--json', 'print one JSON document with the run, its jobs and stages')
    .addOption(new Option('--max-parallel <n>', 'job instances at once (default: 32; hook code also waits for one of the per-core threads)').argParser(positiveInt))
    .addHelpText('after', '\nExamples:\n  wf run hello-world\n  wf run sales-report -p tables=orders,refunds -p min-amount=10\n  wf run sales-report --dry-run')
    .action(lazy(() => import('./commands/run.js'), 'cmdRun'));

  withLocations(program.command('validate [pipelines...]'))
    .description('check all of conf/ (or the named pipelines) and the hooks they use; exit 2 on any error')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  wf validate\n  wf validate sales-report --conf ./conf')
    .action(lazy(() => import('./commands/validate.js'), 'cmdValidate'));

  withLocations(program.command('list'))
    .description('pipelines, params, schedules and their next releases')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  wf list --json')
    .action(lazy(() => import('./commands/list.js'), 'cmdList'));

  withLocations(program.command('show <pipeline>'))
    .description('the compiled definition and its DAG')
    .option('--json', 'print the compiled model as JSON')
    .addHelpText('after', '\nExample:\n  wf show sales-report')
    .action(lazy(() => import('./commands/show.js'), 'cmdShow'));

  withLocations(program.command('graph <pipeline>'))
    .description("draw a pipeline's job graph")
    .addOption(new Option('--format <format>', 'output format').choices(['ascii', 'mermaid', 'dot']).default('ascii'))
    .addHelpText('after', '\nExamples:\n  wf graph sales-report\n  wf graph sales-report --format dot | dot -Tsvg > graph.svg')
    .action(lazy(() => import('./commands/graph.js'), 'cmdGraph'));

  withLocations(program.command('runs [pipeline]'))
    .description('recent runs, newest first')
    .addOption(new Option('-n, --limit <n>', 'how many').argParser(positiveInt).default(20))
    .addOption(new Option('--status <status>', 'only runs with this status').choices(['running', 'success', 'failed', 'cancelled', 'paused', 'interrupted']))
    .option('--json', 'print runs with their jobs, stages and outputs as JSON')
    .addHelpText('after', '\nExamples:\n  wf runs\n  wf runs sales-report --status failed -n 5 --json')
    .action(lazy(() => import('./commands/runs.js'), 'cmdRuns'));

  withLocations(program.command('logs <run>'))
    .description("a run's logs and stage outputs (a unique prefix of the id is enough; 'last' = newest run)")
    .option('--job <job>', 'only this job (id or instance key)')
    .option('--stage <stage>', 'only this stage (id, name or position)')
    .option('--json', 'print the run, jobs, stages and log lines as JSON (with --follow: one event per line)')
    .option('-f, --follow', 'stream a running run\'s events until it ends, then exit with its exit code')
    .option('--tree', 'the run as a tree: jobs, nested stages, attempts and child runs, with status and durations')
    .addHelpText('after', '\nExamples:\n  wf logs last\n  wf logs mi3k2x --job extract --json\n  wf logs last --follow\n  wf logs last --tree')
    .action(lazy(() => import('./commands/logs.js'), 'cmdLogs'));

  withLocations(program.command('retry <run>'))
    .description('continue a failed, cancelled or interrupted run in place: what succeeded keeps its outputs; the rest runs')
    .option('--from <job[.stage]>', 'run again from this job (or stage) and everything downstream of it')
    .option('--force', 'retry even though the pipeline changed since the run')
    .option('-p, --param <name=value>', 'a value for a secret param (taken again from its source) (repeatable)', collect, [])
    .option('--params-file <file>', 'params from a .json or .yml file')
    .option('--json', 'print one JSON document with the run, its jobs and stages')
    .addOption(new Option('--max-parallel <n>', 'job instances at once (default: 32)').argParser(positiveInt))
    .addHelpText('after', '\nExamples:\n  wf retry last\n  wf retry mwuq3k --from load\n  wf retry mwuq3k --from extract.pull --force')
    .action(lazy(() => import('./commands/retry.js'), 'cmdRetry'));

  withLocations(program.command('resume <run>'))
    .description('continue a run paused at an input: stage, with the values it asks for (validated against its schema)')
    .option('-i, --input <field=value>', 'an input value (repeatable)', collect, [])
    .option('--input-file <file>', 'input values from a .json or .yml file')
    .option('--force', 'resume even though the pipeline changed since the run paused')
    .option('--json', 'print one JSON document with the run, its jobs and stages')
    .addOption(new Option('--max-parallel <n>', 'job instances at once (default: 32)').argParser(positiveInt))
    .addHelpText('after', '\nExamples:\n  wf resume last -i approved=true -i reviewer=ada\n  wf resume mwuq3k --input-file answers.yml')
    .action(lazy(() => import('./commands/resume.js'), 'cmdResume'));

  withLocations(program.command('cancel <run>'))
    .description('stop a running run, whichever process runs it; exit 0 once it is cancelled')
    .addOption(new Option('--wait <seconds>', 'how long to wait for it to stop (default: 30)').argParser(positiveInt))
    .option('--json', 'print the run id and status as JSON')
    .addHelpText('after', '\nExamples:\n  wf cancel last\n  wf cancel mwuq3k --wait 60')
    .action(lazy(() => import('./commands/cancel.js'), 'cmdCancel'));

  program
    .command('import <from> <files...>')
    .description('rewrite templates from another runner into wf\'s form (from: ddeutil, for ddeutil-workflow), listing what it could not convert')
    .option('--out <dir>', 'write the converted files into this folder (default: print them)')
    .option('--force', 'replace files that already exist in --out')
    .option('--json', 'print the converted files and the places left to finish as JSON')
    .addHelpText('after', '\nExamples:\n  wf import ddeutil old/conf/etl.yml\n  wf import ddeutil old/conf --out conf && wf validate')
    .action(lazy(() => import('./commands/import.js'), 'cmdImport'));

  withLocations(program.command('schedule'))
    .description('the scheduler: releases each pipeline\'s on: schedules on time, exactly once (also with several schedulers on one store)')
    .option('--once', 'release what is due now (or at --at), wait for those runs, exit')
    .option('--at <iso>', 'with --once: the instant to release for (ISO 8601; no offset = UTC)')
    .option('--grace <duration>', 'on SIGTERM/SIGINT, how long running runs may take to finish', '30s')
    .option('--plan', 'print the releases between --from and --to under the current schedules; run nothing')
    .option('--from <iso>', 'with --plan: start of the window')
    .option('--to <iso>', 'with --plan: end of the window')
    .option('--json', 'with --plan or --once: print JSON')
    .addOption(new Option('--max-parallel <n>', 'job instances at once per run (default: 32)').argParser(positiveInt))
    .addHelpText('after', '\nExamples:\n  wf schedule\n  wf schedule --once --at 2025-01-01T02:00:00Z\n  wf schedule --plan --from 2025-03-29T00:00:00Z --to 2025-04-01T00:00:00Z --json')
    .action(lazy(() => import('./commands/schedule.js'), 'cmdSchedule'));

  withLocations(program.command('backfill <pipeline>'))
    .description('run each release of a pipeline\'s cron schedules in a window that has not run yet')
    .option('--from <iso>', 'start of the window (ISO 8601)')
    .option('--to <iso>', 'end of the window (ISO 8601)')
    .addOption(new Option('--max-parallel <n>', 'releases at once (default: 1)').argParser(positiveInt))
    .option('--force', 'run releases again even if they ran already')
    .option('--plan', 'print what would run; run nothing')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  wf backfill nightly --from 2025-01-01T00:00:00Z --to 2025-01-08T00:00:00Z --plan\n  wf backfill nightly --from 2025-01-01 --to 2025-01-08 --max-parallel 2')
    .action(lazy(() => import('./commands/backfill.js'), 'cmdBackfill'));

  program
    .command('init [dir]')
    .description('a starting project: conf/ with a pipeline, hooks/ with a typed hook, .gitignore, package.json, editor schema')
    .option('--json', 'print what was created and kept as JSON')
    .addHelpText('after', '\nExamples:\n  wf init\n  wf init my-project && cd my-project && npx wf run hello')
    .action(lazy(() => import('./commands/init.js'), 'cmdInit'));

  program
    .command('schema')
    .description('print the JSON Schema of conf/ files (for editors: yaml-language-server)')
    .addHelpText('after', '\nExample:\n  wf schema > .wf-schema.json')
    .action(lazy(() => import('./commands/schema.js'), 'cmdSchema'));

  withLocations(program.command('hooks'))
    .description('the registry: module/hook@tag and declared inputs')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  wf hooks --registry hooks,shared-hooks')
    .action(lazy(() => import('./commands/hooks.js'), 'cmdHooks'));

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = reportError(e);
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`'${value}' is not a positive whole number (1, 2, …)`);
  }
  return n;
}

// `admin instances import|export|set-status|destroy|rename|app ...`: the operators' changes of lambda instances,
// one line printed per instance changed.
import { readFileSync, statSync } from 'node:fs';
import { getSystemErrorMessage } from 'node:util';
import { InvalidArgumentError, type Command } from 'commander';
import writeFileAtomic from 'write-file-atomic';
import type { Application, LambdaInstance } from '../../lib/items.ts';
import { DESTROYED, describeStatus, isStatusCode, statusNamed, type StatusCode } from '../../lib/statuses.ts';
import { parseRecords, toRecord } from '../records.ts';
import type { OperatorStore } from '../store.ts';
import { CommandFailed, nonEmpty, uuid, type CommandContext } from './context.ts';
import { escapedText, terminalJson } from './terminal-text.ts';

function statusCode(text: string): StatusCode {
  const code = statusNamed(text);
  if (code === undefined)
    throw new InvalidArgumentError('give a status code (0 to 23) or its name, e.g. CLUSTER_FAILED.');
  return code;
}

const applicationType = (text: string): Application['type'] => {
  if (text !== 'BATCH' && text !== 'STREAMING') throw new InvalidArgumentError('give BATCH or STREAMING.');
  return text;
};

/** The one line printed per changed instance; a stored status the contract does not know is shown as such. */
function changed(verb: string, instance: LambdaInstance): string {
  const status = isStatusCode(instance.status) ? describeStatus(instance.status).message : 'unknown status';
  const failure = instance.failureMessage === '' ? '' : `, failure ${terminalJson(instance.failureMessage)}`;
  const apps = instance.applications.map(
    ({ name, id, started }) => `${escapedText(name)} ${id}${started ? ' started' : ''}`,
  );
  return (
    `${verb} ${instance.uuid} (id ${instance.id}, owner ${instance.owner}): ${terminalJson(instance.name)}, ` +
    `${status} (${instance.status})${failure}, applications [${apps.join('; ')}]\n`
  );
}

export function addInstanceCommands(program: Command, { io, data, progress, counter }: CommandContext): void {
  /** Runs a change of one instance and prints its line. */
  const change = async (verb: string, run: (store: OperatorStore) => Promise<LambdaInstance>): Promise<void> =>
    io.out(changed(verb, await run(data())));

  const instancesCommand = program
    .command('instances')
    .description('import, export and change lambda instances: status, name, applications');

  instancesCommand
    .command('import')
    .description(
      'add the lambda instances of a JSON file, with new ids; with --replace, stored uuids are replaced (keeping ' +
        'their id and owner); every record is checked first, and nothing is written if any is refused',
    )
    .argument('<file.json>')
    .option('--owner <uuid>', 'the owner of records that name none', uuid)
    .option('--replace', 'replace instances whose uuid is already stored instead of refusing the file')
    .option(
      '--revive',
      'with --replace: replace DESTROYED instances too (DESTROYED is final without it: only a record identical to ' +
        'the instance, as exported, is accepted, and changes nothing)',
    )
    .action(async (file: string, options: { owner?: string; replace?: boolean; revive?: boolean }) => {
      if (options.revive && !options.replace) throw new CommandFailed('--revive goes with --replace.');
      let input: unknown;
      try {
        // A byte order mark is no part of JSON, but editors write one.
        input = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
      } catch (error) {
        throw new CommandFailed(`Cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      const store = data();
      // Times in the file may not be later than the import, which stamps the instances.
      const parsed = parseRecords(input, { owner: options.owner, now: await store.clock.now() });
      if ('problems' in parsed)
        throw new CommandFailed(
          `Nothing imported. ${parsed.problems.length} problem(s):\n${parsed.problems.join('\n')}`,
        );
      const { replaced, created, unchanged } = await store.instances.importInstances(parsed.instances, {
        replace: options.replace === true,
        revive: options.revive === true,
        // Each step's lines are printed before the next may be refused.
        onWritten: (verb, written) => io.out(written.map((instance) => changed(verb, instance)).join('')),
        progress,
      });
      const left =
        unchanged > 0 ? `; ${unchanged} DESTROYED instance(s) identical to their record left as they are` : '';
      io.err(`Imported ${created} new instance(s), replaced ${replaced}${left}.\n`);
    });

  instancesCommand
    .command('export')
    .description('write the lambda instances (of one owner) as a JSON file that `instances import` reads back')
    .option('--owner <uuid>', 'only this owner’s instances', uuid)
    .option('--output <file>', 'write here (whole, or not at all) instead of to standard output')
    .option('--force', 'overwrite the --output file if it exists')
    .action(async (options: { owner?: string; output?: string; force?: boolean }) => {
      const { output } = options;
      const existing = output === undefined ? undefined : statSync(output, { throwIfNoEntry: false });
      if (existing && !existing.isFile())
        throw new CommandFailed(`${output} is not a regular file: write to standard output instead.`);
      if (existing && !options.force) throw new CommandFailed(`${output} exists: give --force to overwrite it.`);
      const { instances } = data();
      // A scan's total is unknown until it ends: what it has read so far.
      const scanned = counter('scanning, items read:');
      const all = await instances.all(options.owner, scanned?.update).finally(scanned?.stop);
      const text = `${terminalJson(all.map(toRecord), 2)}\n`;
      if (output === undefined) return io.out(text);
      try {
        // A temporary file beside it, renamed over it: a reader never sees half a file.
        await writeFileAtomic(output, text);
      } catch (error) {
        // The error names that temporary file: say it of the file the operator gave.
        const { code, errno } = error as NodeJS.ErrnoException;
        const why = errno === undefined ? (error as Error).message : `${getSystemErrorMessage(errno)} (${code})`;
        throw new CommandFailed(`Cannot write ${output}: ${why}.`);
      }
      io.err(`Exported ${all.length} instance(s) to ${output}.\n`);
    });

  instancesCommand
    .command('reindex')
    .description(
      'rebuild the owners’ indexes (what paging reads) from the stored instances, and give each listed instance ' +
        'its status key (what status= pages read) where it lacks it: once, for a stage whose instances were stored ' +
        'before the indexes existed, while nothing else writes',
    )
    .option('--owner <uuid>', 'only this owner’s index and instances', uuid)
    .action(async (options: { owner?: string }) => {
      const { owners, keyed } = await data().instances.reindex(options.owner);
      io.err(`Rebuilt the index of ${owners} owner(s); gave ${keyed} instance(s) their status key.\n`);
    });

  instancesCommand
    .command('set-status')
    .description('set an instance’s status; the failure message is the one given, or none')
    .argument('<uuid>', 'the instance', uuid)
    .argument('<status>', 'a code (0 to 23) or a name in any case, e.g. CLUSTER_FAILED', statusCode)
    .option('--failure-message <text>', 'why it failed (a status without one clears it)')
    .option(
      '--revive',
      'change a DESTROYED instance’s status, bringing it back to its owner’s list (DESTROYED is final without it)',
    )
    .action((instance: string, status: StatusCode, options: { failureMessage?: string; revive?: boolean }) =>
      change('status', (store) =>
        store.instances.setStatus(instance, status, options.failureMessage, { revive: options.revive === true }),
      ),
    );

  instancesCommand
    .command('destroy')
    .description('set an instance DESTROYED (6): it leaves its owner’s list, its details are still served; final')
    .argument('<uuid>', 'the instance', uuid)
    .action((instance: string) => change('destroyed', (store) => store.instances.setStatus(instance, DESTROYED)));

  instancesCommand
    .command('rename')
    .description('rename an instance (not a DESTROYED one)')
    .argument('<uuid>', 'the instance', uuid)
    .argument('<name>', 'its new name', nonEmpty)
    .action((instance: string, name: string) => change('renamed', (store) => store.instances.rename(instance, name)));

  const appCommand = instancesCommand
    .command('app')
    .description('add, start, stop and remove an instance’s applications (not a DESTROYED instance’s)');

  appCommand
    .command('add')
    .description('add an application (stopped) to an instance')
    .argument('<uuid>', 'the instance', uuid)
    .requiredOption('--name <name>', 'the application, e.g. project.jar', nonEmpty)
    .requiredOption('--type <type>', 'BATCH or STREAMING', applicationType)
    .option('--id <uuid>', 'its id (default: a new random UUID)', uuid)
    .action((instance: string, options: { name: string; type: Application['type']; id?: string }) =>
      change('application added', (store) => store.instances.addApplication(instance, options)),
    );

  /** app start|stop|remove: what each says, and does. */
  const APPLICATION_CHANGES = {
    start: {
      description: 'mark an application started',
      done: 'application started',
      run: (store: OperatorStore, instance: string, app: string) =>
        store.instances.setApplicationStarted(instance, app, true),
    },
    stop: {
      description: 'mark an application stopped',
      done: 'application stopped',
      run: (store: OperatorStore, instance: string, app: string) =>
        store.instances.setApplicationStarted(instance, app, false),
    },
    remove: {
      description: 'remove an application',
      done: 'application removed',
      run: (store: OperatorStore, instance: string, app: string) => store.instances.removeApplication(instance, app),
    },
  };

  for (const [verb, { description, done, run }] of Object.entries(APPLICATION_CHANGES)) {
    appCommand
      .command(verb)
      .description(description)
      .argument('<uuid>', 'the instance', uuid)
      .argument('<app-id>', 'the application', uuid)
      .action((instance: string, app: string) => change(done, (store) => run(store, instance, app)));
  }
}

import { parseArgs } from 'node:util';
import { closest } from '../core/closest';
import { UsageError } from './exitCodes';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/**
 * One command's arguments, the one way every command reads them: strict, and a wrong option says which one was
 * meant and where the command's usage is.
 */
export function parseCommandArgs(command: string, args: string[], options: NonNullable<Options>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown option '(--?[^']+)'/.exec(message)?.[1];
    const near = unknown ? closest(unknown.replace(/^-+/, ''), Object.keys(options)) : undefined;
    // Node's own wording for an unknown option goes on about positionals; say what is wrong and what was meant.
    const what = unknown ? `Unknown option ${unknown} for ${command}.${near ? ` Did you mean --${near}?` : ''}` : `${message.replace(/\.$/, '')}.`;
    throw new UsageError(`${what} Run judge-align ${command} --help for its options.`);
  }
}

/** `--help` or `-h` anywhere among a command's arguments. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

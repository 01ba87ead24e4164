import { type Command, InvalidArgumentError, Option } from 'commander';

/**
 * One flag of a command, declared once: commander builds the parser and the `--help` text from it, and
 * {@link flagValuesOf} hands the parsed values back under the flag's own name (`values['fail-on']`), as
 * `node:util` parseArgs did, so the code that checks values reads the same names the user typed.
 *
 * The shape is parseArgs' (`type`, `short`, `multiple`, `default`) plus what help needs, so a flag
 * added in the old style (`'ssm-get-rps': { type: 'string' }`) still works; it just has a bare help line.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** One letter: `-o`. */
  readonly short?: string;
  /** Repeatable (`--env a --env b`); commas split a value too (`--env a,b`) when {@link commaList} is set. */
  readonly multiple?: boolean;
  /** Split each value at commas (only with `multiple`). @default false */
  readonly commaList?: boolean;
  readonly default?: string | boolean | readonly string[];
  /** The help line. */
  readonly description?: string;
  /** The value's name in help: `--fail-on SEVERITY`. @default VALUE */
  readonly valueName?: string;
  /** The values allowed; anything else is a usage error listing them (and suggesting the closest). */
  readonly choices?: readonly string[];
  /** Shown in help when the default is computed elsewhere (`half the quota`). */
  readonly defaultDescription?: string;
  /** The heading the flag is listed under in help (`Live options`). @default Options */
  readonly group?: string;
}

/** A command's flags by long name (no leading dashes). */
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The parsed value of one flag: a boolean, the list of a repeatable flag, or the string given (if any). */
export type FlagValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true
    ? string[]
    : S['default'] extends string
      ? string
      : string | undefined;

/** The parsed values of a command's flags, by flag name, typed from its specs. */
export type FlagValues<Specs extends OptionSpecs> = { -readonly [K in keyof Specs]: FlagValue<Specs[K]> };

/** `fail-on` → `failOn`, as commander names its option values. */
function attributeOf(name: string): string {
  const bare = name.startsWith('no-') ? name.slice(3) : name;
  return bare.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Adds every flag of `specs` to `command`; returns the command for chaining. */
export function addOptions(command: Command, specs: OptionSpecs): Command {
  for (const [name, spec] of Object.entries(specs)) command.addOption(optionOf(name, spec));
  return command;
}

function optionOf(name: string, spec: OptionSpec): Option {
  const short = spec.short === undefined ? '' : `-${spec.short}, `;
  const flags = spec.type === 'boolean' ? `${short}--${name}` : `${short}--${name} <${spec.valueName ?? 'VALUE'}>`;
  // commander prints a default only when it holds one; a computed default is said in the description.
  const description = spec.defaultDescription === undefined ? (spec.description ?? '') : `${spec.description ?? ''} (default: ${spec.defaultDescription})`;
  const option = new Option(flags, description);
  if (spec.choices !== undefined) option.choices([...spec.choices]);
  if (spec.multiple === true) {
    // commander keeps only the last value of a repeated option unless told how to collect them.
    option.argParser((value: string, previous: string[] | undefined) => {
      const parts = spec.commaList === true ? value.split(',').map((part) => part.trim()) : [value];
      for (const part of parts) {
        if (spec.choices !== undefined && !spec.choices.includes(part)) {
          // commander prefixes "option '--type <TYPE>' argument 'x' is invalid." and reports it as a usage error.
          throw new InvalidArgumentError(`Allowed choices are ${spec.choices.join(', ')}.`);
        }
      }
      return [...(previous ?? []), ...parts.filter((part) => part !== '')];
    });
  }
  // Booleans default to false without saying so; a `--no-x` flag is about turning x off.
  if (spec.type === 'string' && typeof spec.default === 'string') option.default(spec.default);
  if (spec.group !== undefined) option.helpGroup(`${spec.group}:`);
  return option;
}

/** The parsed value of every flag of `specs`, by flag name, with parseArgs' defaults (false, []). */
export function flagValuesOf<Specs extends OptionSpecs>(command: Command, specs: Specs): FlagValues<Specs> {
  const parsed = command.opts<Record<string, unknown>>();
  const values: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = parsed[attributeOf(name)];
    if (name.startsWith('no-')) {
      // commander holds `--no-color` as `color: false`; parseArgs as `'no-color': true`.
      values[name] = value === false;
    } else if (spec.type === 'boolean') {
      values[name] = value === true;
    } else if (spec.multiple === true) {
      values[name] = Array.isArray(value) ? value.map(String) : Array.isArray(spec.default) ? [...spec.default] : [];
    } else {
      values[name] = typeof value === 'string' ? value : undefined;
    }
  }
  // Built flag by flag from the specs above, so each value has the type FlagValue gives its spec.
  return values as FlagValues<Specs>;
}

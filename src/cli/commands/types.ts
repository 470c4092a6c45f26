/** A CLI command: takes its arguments, writes to stdout/stderr, returns the exit code. */
export type Command = (args: string[]) => Promise<number> | number;

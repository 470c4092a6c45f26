/**
 * `vnet` command line: a thin shell over src/lib (the same model and engine
 * the app runs in its Web Worker). Each command lives in commands/<name>.ts
 * and returns its exit code: 0 ok, 1 a check or outcome differs, 2 bad input.
 */
import { commands } from './commands/index';

const USAGE = `vnet — virtual network designer and packet simulator

Usage:
  vnet lint FILE... [--strict] [--json]
  vnet trace FILE --from NODE --to NODE|IP [--proto icmp|tcp|udp] [--port N] [--sport N]
             [--size BYTES] [--df] [--ttl N] [--json] [--pcap OUT.pcap]
  vnet check FILE... [--json]
  vnet matrix FILE [--proto P] [--port N] [--group-by namespace|label:KEY] [--json]
  vnet simulate FILE --scenario NAME [--json] [--bucket MS] [--max-packets N] [--max-events N]
                  [--progress]
  vnet export FILE --to containerlab|gns3|dot|mermaid|pcap [-o OUT] [--json]
  vnet import FILE [-o OUT] [--from containerlab|gns3] [--json]
  vnet config FILE NODE [--json] [--tables [--from NODE --to NODE|IP [--proto P] [--port N] ...]]
             the Linux commands that build NODE; --tables: its ip route, and after the probe
             ip neigh, bridge fdb, conntrack -L
  vnet schema

simulate estimates a scenario's work first and refuses one above its budget (exit 2):
  --max-packets N   most packet-hops (a packet crossing one link), default 100000000 (~10 s)
  --max-events N    most simulator events, default 100000000
Long runs show progress on a terminal (--progress: anywhere, on stderr); Ctrl-C stops
and prints what was measured (marked partial).

Exit codes: 0 success, 1 a check or outcome differs from what was expected, 2 bad input.
`;

async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (!name || name === '--help' || name === '-h' || name === 'help') {
		process.stdout.write(USAGE);
		return name ? 0 : 2;
	}
	if (name === '--version' || name === '-v') {
		process.stdout.write('vnet 0.1.0\n');
		return 0;
	}
	const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
	if (!load) {
		process.stderr.write(`vnet: unknown command "${name}"\n\n${USAGE}`);
		return 2;
	}
	return (await load())(rest);
}

/**
 * A reader that stops early (`vnet matrix FILE | head`) closes the pipe: the
 * rest of the output has nowhere to go, so vnet stops there, quietly and with
 * exit 0, as `cat` and `ls` do, instead of an unhandled EPIPE stack trace.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream) {
	stream.on('error', (err: NodeJS.ErrnoException) => {
		if (err.code === 'EPIPE') process.exit(0);
		if (stream !== process.stderr) process.stderr.write(`vnet: cannot write the output: ${err.code ?? err.message}\n`);
		process.exit(2);
	});
}
quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);

main(process.argv.slice(2)).then(
	(code) => {
		process.exitCode = code;
	},
	(err: unknown) => {
		// Only a bug in vnet gets here: user mistakes are reported by the commands.
		process.stderr.write(`vnet: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
		process.exitCode = 3;
	}
);

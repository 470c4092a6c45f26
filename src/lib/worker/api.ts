/**
 * The simulation API that runs inside the Web Worker (engine.worker.ts only
 * exposes it). A plain module with no DOM and no worker globals, so tests call
 * it directly in Node and compare it with the CLI: both run the same engine
 * on the same loaded document, and answer with the same JSON.
 *
 * Long jobs (checks, the matrix) give the event loop a turn every few
 * milliseconds, so a `cancel()` or a newer `open()` that arrives meanwhile is
 * seen between two probes.
 */
import { loadTopology } from '../model/load';
import { lintLoaded } from './lint-api';
import type { Check, Diagnostic, ProbeCheck, Topology } from '../model/types';
import { buildNet, ProbeEngine, matrixEndpoints, MatrixCells, runChecks, type Net } from '../engine/index';
import { isScenarioCheck, probeOf } from '../engine/checks';
import { formatSeconds, startScenario, ScenarioBudgetError, ScenarioError, type ScenarioStepper } from '../engine/scenario/index';
import { isIpv4, u32ToIp } from '../model/net';
import { nodeTables } from '../engine/tables';
import type { ProbeSpec, Trace } from '../engine/trace';
import {
	InputError,
	cellCode,
	type CheckRow,
	type ChecksReport,
	type DocStatus,
	type LessonAnswer,
	type LessonJob,
	type MatrixOptions,
	type MatrixProgress,
	type MatrixResult,
	type ScenarioProgress,
	type ScenarioRunOptions,
	type ScenarioRunResult,
	type SimApi
} from './protocol';

/** How long a job runs before it lets messages in (and reports progress). */
const SLICE_MS = 25;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * When a long job (checks, the matrix) gives the event loop a turn: `begin()`
 * at the start of a slice, `due()` after each unit of work (a check, a row).
 * The app slices by time; tests slice by count, so their answers do not
 * depend on the machine's speed.
 */
export interface SlicePolicy {
	begin(): void;
	due(): boolean;
}

export function timeSlices(ms = SLICE_MS, clock: () => number = now): SlicePolicy {
	let start = clock();
	return {
		begin: () => void (start = clock()),
		due: () => clock() - start > ms
	};
}

/** A slice ends after `units` units of work. */
export function countSlices(units: number): SlicePolicy {
	let done = 0;
	return {
		begin: () => void (done = 0),
		due: () => ++done >= units
	};
}

export interface SimApiOptions {
	slices?: SlicePolicy;
	/** the clock of the `ms` fields */
	clock?: () => number;
	/** honour debug('hang' | 'crash' | 'pause' | 'resume') (test builds only: the e2e tests kill, hang and step the worker) */
	testHooks?: boolean;
}

const yieldTurn = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

interface Loaded {
	version: number;
	file: string;
	topology: Topology;
	net: Net;
	engine: ProbeEngine;
}

/** "isp → 198.51.100.2 tcp/443 size 1400 df expect DELIVERED" */
export function describeCheck(c: Check): string {
	if (isScenarioCheck(c)) return `scenario ${c.scenario} flow ${c.flow}`;
	return describeProbe(c) + ` expect ${c.expect}`;
}

export function describeProbe(c: ProbeSpec | ProbeCheck): string {
	const parts = [`${c.from} → ${c.to}`, `${c.proto ?? 'icmp'}${c.port ? '/' + c.port : ''}`];
	if (c.size !== undefined) parts.push(`size ${c.size}`);
	if (c.df) parts.push('df');
	if (c.ttl !== undefined) parts.push(`ttl ${c.ttl}`);
	return parts.join(' ');
}

function internal(file: string, what: string, err: unknown): Diagnostic {
	return { severity: 'error', file, path: '', line: 0, col: 0, message: `internal error while ${what}: ${err instanceof Error ? err.message : String(err)}` };
}

export function createSimApi(options: SimApiOptions = {}): SimApi {
	const now = options.clock ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
	const slices = options.slices ?? timeSlices(SLICE_MS, now);
	let doc: Loaded | null = null;
	/** the version of the latest open(), loaded or not */
	let latest = 0;
	/** bumped by cancel(); a job stops when it changed since the job began */
	let cancels = 0;
	/** debug('pause'): jobs wait between two slices until debug('resume'), so e2e tests act mid-job at any machine speed */
	let paused: { resumed: Promise<void>; resume(): void } | null = null;
	const turn = async (): Promise<void> => {
		await yieldTurn();
		while (paused) await paused.resumed;
	};

	function need(): Loaded {
		if (!doc || doc.version !== latest) throw new InputError('the document has errors: fix them to run probes');
		return doc;
	}

	function checkSpec(t: Topology, spec: ProbeSpec): void {
		if (!spec || typeof spec.from !== 'string' || !spec.from) throw new InputError('choose a source node');
		if (typeof spec.to !== 'string' || !spec.to) throw new InputError('choose a destination node or address');
		if (!(spec.from in t.nodes)) throw new InputError(`no node "${spec.from}" in this network`);
		if (!isIpv4(spec.to) && !(spec.to in t.nodes)) throw new InputError(`"${spec.to}" is neither a node nor an IPv4 address`);
		const proto = spec.proto ?? 'icmp';
		if (proto !== 'icmp' && proto !== 'tcp' && proto !== 'udp') throw new InputError(`protocol must be icmp, tcp or udp, got ${String(proto)}`);
		if (proto !== 'icmp' && spec.port === undefined) throw new InputError(`a ${proto} probe needs a port`);
		const int = (v: number | undefined, name: string, min: number, max: number) => {
			if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) throw new InputError(`${name} must be an integer from ${min} to ${max}, got ${v}`);
		};
		int(spec.port, 'port', 1, 65535);
		int(spec.sport, 'source port', 1, 65535);
		int(spec.size, 'size', 0, 65507);
		int(spec.ttl, 'TTL', 1, 255);
	}

	/**
	 * Runs a started scenario to its end, a slice at a time, giving the event
	 * loop a turn between slices (the engine never reads the clock: this does).
	 * The busy time in ms, or null when `stopped()` said so between two slices.
	 */
	async function stepScenario(run: ScenarioStepper, stopped: () => boolean, onProgress?: (fraction: number) => void): Promise<number | null> {
		let sliceEnd = 0;
		const sliceOver = () => now() > sliceEnd;
		let busy = 0;
		for (;;) {
			const s0 = now();
			sliceEnd = s0 + SLICE_MS;
			const finished = run.step(sliceOver);
			busy += now() - s0;
			if (finished) return busy;
			onProgress?.(run.progress);
			await turn();
			if (stopped()) return null;
		}
	}

	const api: SimApi = {
		open(text, file, version) {
			latest = version;
			doc = null;
			const ms = { load: 0, lint: 0, compile: 0 };
			const status: DocStatus = { version, file, ok: false, errors: [], lint: [], name: null, nodes: 0, endpoints: [], checks: 0, addresses: {}, ms };
			let t0 = now();
			let loaded;
			try {
				loaded = loadTopology(text, file);
			} catch (err) {
				status.errors = [internal(file, 'reading the file', err)];
				return status;
			}
			ms.load = now() - t0;
			if (!loaded.ok) {
				status.errors = loaded.errors;
				return status;
			}
			const topology = loaded.topology;
			status.name = topology.name;
			status.nodes = Object.keys(topology.nodes).length;
			status.checks = topology.checks.length;
			status.lint = [...loaded.warnings];
			t0 = now();
			status.lint.push(...lintLoaded(topology, loaded.source, file));
			ms.lint = now() - t0;
			t0 = now();
			try {
				const net = buildNet(topology);
				doc = { version, file, topology, net, engine: new ProbeEngine(net) };
				status.endpoints = matrixEndpoints(net);
				for (const n of net.nodes) {
					if (n.id.includes(':')) continue; // a hypervisor's virtual switch
					for (const a of n.local) status.addresses[u32ToIp(a)] ??= n.id;
				}
				status.ok = true;
			} catch (err) {
				status.errors = [internal(file, 'building the network', err)];
			}
			ms.compile = now() - t0;
			return status;
		},

		trace(spec) {
			const d = need();
			checkSpec(d.topology, spec);
			return d.engine.run(spec, { hops: true });
		},

		nodeTables(nodeId, probe) {
			const d = need();
			if (typeof nodeId !== 'string' || !(nodeId in d.topology.nodes)) throw new InputError(`no node "${String(nodeId)}" in this network`);
			if (probe) checkSpec(d.topology, probe);
			return nodeTables(d.net, d.engine, nodeId, probe);
		},

		async checks(version) {
			const t0 = now();
			const report: ChecksReport = { version, superseded: false, passed: 0, failed: 0, skipped: 0, results: [], ms: 0 };
			if (!doc || doc.version !== version || version !== latest) {
				report.superseded = true;
				return report;
			}
			const d = doc;
			const checks = d.topology.checks;
			slices.begin();
			for (let i = 0; i < checks.length; i++) {
				if (i > 0 && slices.due()) {
					await turn();
					slices.begin();
					if (latest !== version) {
						report.superseded = true;
						return report;
					}
				}
				// runChecks on a one-check document: the exact CLI code path, result by result
				const [r] = runChecks({ ...d.topology, checks: [checks[i]] }, d.net);
				const c = checks[i];
				const row: CheckRow = { ...r, index: i, label: describeCheck(c) };
				if (!isScenarioCheck(c)) row.check = c;
				report.results.push(row);
				if (r.ok) report.passed++;
				else if (r.skipped) report.skipped++;
				else report.failed++;
			}
			report.ms = now() - t0;
			return report;
		},

		async matrix(opts: MatrixOptions, onProgress?: (p: MatrixProgress) => void): Promise<MatrixResult> {
			const t0 = now();
			const d = need();
			const proto = opts.proto ?? 'icmp';
			if (proto !== 'icmp' && opts.port === undefined) throw new InputError(`a ${proto} matrix needs a port`);
			const myCancel = cancels;
			const endpoints = matrixEndpoints(d.net);
			const n = endpoints.length;
			const cells = new Uint8Array(n * n);
			const total = n * n;
			let done = 0;
			let reported = 0; // first row not yet sent
			slices.begin();
			let cancelled = false;
			const report = (rowEnd: number) => {
				if (!onProgress || rowEnd <= reported) return;
				const p: MatrixProgress = { done, total, row: reported, cells: cells.slice(reported * n, rowEnd * n) };
				if (reported === 0) p.endpoints = endpoints;
				onProgress(p);
				reported = rowEnd;
			};
			// one probe per pair of twin classes (engine/matrix-classes.ts); progress counts every cell
			const shared = new MatrixCells(d.net, endpoints, (from, to) => d.engine.run({ from, to, proto, port: opts.port }, { record: false }).disposition, { probe: { proto, port: opts.port } });
			for (let i = 0; i < n; i++) {
				for (let j = 0; j < n; j++) {
					cells[i * n + j] = cellCode(shared.cell(i, j));
					done++;
				}
				if (slices.due()) {
					report(i + 1);
					await turn();
					slices.begin();
					if (cancels !== myCancel || latest !== d.version) {
						cancelled = i + 1 < n;
						break;
					}
				}
			}
			report(cancelled ? reported : n);
			return { version: d.version, endpoints, proto, port: opts.port ?? null, cells, done, total, cancelled, ms: now() - t0 };
		},

		async scenario(name: string, opts: ScenarioRunOptions = {}, onProgress?: (p: ScenarioProgress) => void): Promise<ScenarioRunResult> {
			const t0 = now();
			const d = need();
			if (typeof name !== 'string' || !Object.hasOwn(d.topology.scenarios, name)) {
				const names = Object.keys(d.topology.scenarios);
				throw new InputError(`no scenario "${name}" in this file${names.length ? ` (scenarios: ${names.join(', ')})` : ''}`);
			}
			const myCancel = cancels;
			// a ScenarioError is about the file (an unknown node or link in the scenario)
			const guard = <T>(f: () => T): T => {
				try {
					return f();
				} catch (e) {
					if (e instanceof ScenarioError) throw new InputError(e.message);
					throw e;
				}
			};
			let run: ScenarioStepper;
			try {
				run = startScenario(d.topology, name, { bucketMs: opts.bucketMs, pathHistory: true, budget: opts.budget });
			} catch (e) {
				if (!(e instanceof ScenarioBudgetError)) return guard(() => {
					throw e;
				});
				// the caller asks the user, then runs again with a larger budget
				const { estimate } = e;
				const overBudget = { packetHops: estimate.packetHops, events: estimate.events, seconds: estimate.seconds, time: formatSeconds(estimate.seconds), message: e.message };
				return { version: d.version, scenario: name, result: null, cancelled: false, overBudget, ms: now() - t0 };
			}
			let busy: number | null;
			try {
				busy = await stepScenario(run, () => cancels !== myCancel || latest !== d.version, (fraction) => onProgress?.({ fraction, ms: now() - t0 }));
			} catch (e) {
				return guard(() => {
					throw e;
				});
			}
			if (busy === null) return { version: d.version, scenario: name, result: null, cancelled: true, ms: now() - t0 };
			const result = run.result();
			result.wallSeconds = Math.round(busy) / 1e3;
			return { version: d.version, scenario: name, result, cancelled: false, ms: now() - t0 };
		},

		async lesson(text: string, file: string, job: LessonJob): Promise<LessonAnswer> {
			const loaded = loadTopology(text, file);
			if (!loaded.ok) return { kind: 'errors', errors: loaded.errors };
			const t = loaded.topology;
			if (job.kind === 'probe') {
				checkSpec(t, job.spec);
				return { kind: 'probe', trace: new ProbeEngine(buildNet(t)).run(job.spec, { hops: true }) };
			}
			if (job.kind === 'checks') {
				const withTask: Topology = { ...t, checks: job.checks };
				return { kind: 'checks', results: runChecks(withTask, buildNet(withTask)) };
			}
			if (!Object.hasOwn(t.scenarios, job.name)) throw new InputError(`this design has no scenario "${job.name}"`);
			const myCancel = cancels;
			try {
				const run = startScenario(t, job.name);
				if ((await stepScenario(run, () => cancels !== myCancel)) === null) throw new InputError('the scenario was cancelled');
				return { kind: 'scenario', result: run.result() };
			} catch (e) {
				// about the design (an unknown node in the scenario, above the budget), not the simulator
				if (e instanceof ScenarioError) throw new InputError(e.message);
				throw e;
			}
		},

		cancel() {
			cancels++;
		},

		ping() {
			return latest;
		},

		debug(action) {
			if (!options.testHooks) throw new InputError('debug actions exist only in test builds');
			if (action === 'crash')
				setTimeout(() => {
					throw new Error('crash requested by a test');
				}, 0);
			else if (action === 'hang') for (;;); // never answers again: the client must replace the worker
			else if (action === 'pause' && !paused) {
				let resume = () => {};
				const resumed = new Promise<void>((r) => (resume = r));
				paused = { resumed, resume };
			} else if (action === 'resume' && paused) {
				paused.resume();
				paused = null;
			}
		}
	};
	return api;
}

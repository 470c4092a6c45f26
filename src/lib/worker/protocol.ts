/**
 * The contract between the page and the simulation worker: every value that
 * crosses the boundary is one of these plain, structured-clonable types.
 * The worker exposes a `SimApi` (api.ts) with comlink; the page talks to it
 * through `SimClient` (client.ts). Errors cross as rejected promises with a
 * message a person can read; long jobs report progress through a
 * `Comlink.proxy` callback and stop when `cancel()` is called.
 */
import type { CheckResult } from '../engine/checks';
import type { ScenarioResult, WorkBudget } from '../engine/scenario/index';
import type { Trace, ProbeSpec } from '../engine/trace';
import type { NodeTables } from '../engine/tables';
import type { Check, Diagnostic, Disposition, ProbeCheck, Proto } from '../model/types';
import { DISPOSITIONS } from '../model/types';

export type { Trace, ProbeSpec, CheckResult, ScenarioResult, NodeTables };
// the shapes the editor's sessions hold (the editor imports the engine through the worker only)
export type { Hop, HopAction } from '../engine/trace';

/**
 * A problem with what the user asked (an unknown node, a tcp probe without a
 * port, no loaded document), as opposed to a failure of the simulator. The
 * name survives comlink's error transfer, so the page can tell them apart.
 */
export class InputError extends Error {
	override name = 'InputError';
}

/** What the worker made of the document it was sent. */
export interface DocStatus {
	/** the version the page gave with the text; answers for older versions are dropped */
	version: number;
	file: string;
	/** loaded and compiled: probes, checks and the matrix can run */
	ok: boolean;
	/** why it is not ok: format errors, or a compile failure */
	errors: Diagnostic[];
	/** lint findings (and loader warnings) of a loaded document */
	lint: Diagnostic[];
	name: string | null;
	nodes: number;
	/** the nodes a matrix runs between (endpoints with an address), in file order */
	endpoints: string[];
	checks: number;
	/** every address a node owns (DHCP, NAT gateways and vips included) → the node */
	addresses: Record<string, string>;
	/** wall time of each step in the worker, ms */
	ms: { load: number; lint: number; compile: number };
}

/** One check of the document, run. */
export interface CheckRow extends CheckResult {
	/** a short description: "isp → 198.51.100.2 tcp/443 expect DELIVERED" */
	label: string;
	/** the probe check itself (absent for scenario checks) */
	check?: ProbeCheck;
}

export interface ChecksReport {
	version: number;
	/** a newer document arrived while the checks ran: this report is incomplete, ignore it */
	superseded: boolean;
	passed: number;
	failed: number;
	skipped: number;
	results: CheckRow[];
	ms: number;
}

export interface MatrixOptions {
	proto?: Proto;
	port?: number;
}

/**
 * Matrix cells as one byte each, row-major (from × to): 0 not computed yet,
 * SELF on the diagonal, otherwise 1 + the index in DISPOSITIONS.
 */
export const CELL_PENDING = 0;
export const CELL_SELF = 255;

export function cellCode(d: Disposition | null): number {
	return d === null ? CELL_SELF : DISPOSITIONS.indexOf(d) + 1;
}

export function cellDisposition(code: number): Disposition | null {
	return code === CELL_SELF || code === CELL_PENDING ? null : (DISPOSITIONS[code - 1] ?? null);
}

export interface MatrixRows {
	/** first row index of `cells` */
	row: number;
	/** whole rows, row-major, endpoints.length bytes each */
	cells: Uint8Array;
}

export interface MatrixProgress extends MatrixRows {
	done: number;
	total: number;
	/** with the first rows: the endpoints, in row order */
	endpoints?: string[];
}

export interface MatrixResult {
	version: number;
	endpoints: string[];
	proto: Proto;
	port: number | null;
	/** endpoints.length² bytes, row-major; see cellCode */
	cells: Uint8Array;
	done: number;
	total: number;
	/** stopped by cancel() (or by a newer document) before the last row */
	cancelled: boolean;
	ms: number;
}

export interface ScenarioRunOptions {
	/** timeline bucket (default: about 100 buckets over the duration) */
	bucketMs?: number;
	/** work budget (default: the engine's, about 10 s); above it the run does not start and `overBudget` says so */
	budget?: Partial<WorkBudget>;
}

/** A scenario whose estimated work is above the budget: it was not run. */
export interface OverBudget {
	packetHops: number;
	events: number;
	/** about how long it would take, in seconds, and that as text ("3 min") */
	seconds: number;
	time: string;
	message: string;
}

export interface ScenarioProgress {
	/** simulated time reached, 0..1 of the duration */
	fraction: number;
	/** wall time so far */
	ms: number;
}

export interface ScenarioRunResult {
	version: number;
	scenario: string;
	/** `vnet simulate --json` with each flow's path changes (`paths`); null when cancelled or over budget */
	result: ScenarioResult | null;
	/** the run did not start: its estimate is above the budget (run again with a larger one to go ahead) */
	overBudget?: OverBudget;
	/** stopped by cancel() (or by a newer document) before the end */
	cancelled: boolean;
	ms: number;
}

/** What a lesson step runs on the student's design: a probe, a scenario, or a task's checks. */
export type LessonJob = { kind: 'probe'; spec: ProbeSpec } | { kind: 'scenario'; name: string } | { kind: 'checks'; checks: Check[] };

/** A lesson job's answer; `errors` when the design does not load. */
export type LessonAnswer =
	| { kind: 'errors'; errors: Diagnostic[] }
	| { kind: 'probe'; trace: Trace }
	| { kind: 'scenario'; result: ScenarioResult }
	| { kind: 'checks'; results: CheckResult[] };

export type DebugAction = 'hang' | 'crash' | 'pause' | 'resume';

/** The API the worker exposes. */
export interface SimApi {
	/** Load, lint and compile a document; it becomes the one probes run on. */
	open(text: string, file: string, version: number): DocStatus;
	/** One probe, request and reply, hop by hop, with traceroute hops: `vnet trace --json`. */
	trace(spec: ProbeSpec): Trace;
	/** The document's checks: `vnet check --json` (failing ones carry their trace). */
	checks(version: number): Promise<ChecksReport>;
	/** Every endpoint to every endpoint; rows stream through onProgress. */
	matrix(opts: MatrixOptions, onProgress?: (p: MatrixProgress) => void): Promise<MatrixResult>;
	/** Runs a scenario of the document (`vnet simulate --json`), in slices; progress through onProgress. */
	scenario(name: string, opts: ScenarioRunOptions, onProgress?: (p: ScenarioProgress) => void): Promise<ScenarioRunResult>;
	/** A node's routing table and, with a probe (run here), the ARP, MAC and connection tables it left: `vnet config --tables --json`. */
	nodeTables(nodeId: string, probe?: ProbeSpec): NodeTables;
	/**
	 * A lesson step on the text the student has now, loaded for this call only
	 * (the open document stays): its probe, its scenario (in slices), or a
	 * task's checks in place of the design's own.
	 */
	lesson(text: string, file: string, job: LessonJob): Promise<LessonAnswer>;
	/** Stops a running matrix or checks run at its next row. */
	cancel(): void;
	/** A liveness probe for the watchdog. */
	ping(): number;
	/** The worker holds the Web Lock `name` for its whole life; resolves once held (liveness.ts; the browser worker only). */
	hold?(name: string): Promise<void>;
	/** Test builds only: crash the worker (an uncaught error), hang it (a busy loop), or hold jobs between two slices (pause, resume). */
	debug(action: DebugAction): void;
}

/** A matrix result in the shape of `vnet matrix --json` (cells not computed are null). */
export function toMatrixJson(r: Pick<MatrixResult, 'endpoints' | 'proto' | 'port' | 'cells'>): {
	endpoints: string[];
	proto: Proto;
	port: number | null;
	cells: (Disposition | null)[][];
} {
	const n = r.endpoints.length;
	const cells: (Disposition | null)[][] = [];
	for (let i = 0; i < n; i++) {
		const row: (Disposition | null)[] = [];
		for (let j = 0; j < n; j++) row.push(cellDisposition(r.cells[i * n + j]));
		cells.push(row);
	}
	return { endpoints: r.endpoints, proto: r.proto, port: r.port, cells };
}

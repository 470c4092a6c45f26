/**
 * The page's side of the simulation worker. It keeps the document the user
 * is looking at, sends it (versioned) to the worker, runs its checks after
 * every load, and keeps the worker alive: if the worker dies, hangs, or the
 * engine throws an internal error, the worker is replaced and given the
 * current document again, so nothing the user typed is lost and the panel
 * shows what happened in one sentence.
 *
 * It depends only on a `spawn()` that returns something Worker-like, so tests
 * run it over a MessageChannel in Node (worker-client.test.ts).
 */
import * as Comlink from 'comlink';
import type { ChecksReport, DebugAction, DocStatus, LessonAnswer, LessonJob, MatrixOptions, MatrixProgress, MatrixResult, NodeTables, ProbeSpec, ScenarioProgress, ScenarioRunOptions, ScenarioRunResult, SimApi, Trace } from './protocol';
import { webLockWatch, type DeathWatch } from './liveness';

export interface WorkerLike extends Comlink.Endpoint {
	terminate(): void;
}

export interface SimClientEvents {
	/** the worker's answer for the latest document */
	onStatus?(s: DocStatus): void;
	/** the document's checks ran (latest document only) */
	onChecks?(r: ChecksReport): void;
	/** checks started (true) or ended (false) */
	onChecksRunning?(running: boolean): void;
	/** the worker was replaced; `message` says why, for the user */
	onRestart?(message: string): void;
}

export interface SimClientOptions {
	/** a call that has not answered after this long means a hung worker (ms) */
	timeoutMs?: number;
	/** a matrix that has reported nothing for this long is hung (ms) */
	heartbeatMs?: number;
	/** a cancel that the worker does not acknowledge in this long restarts it (ms) */
	cancelGraceMs?: number;
	/**
	 * Without a death watch: a worker that answers no ping for this long while
	 * a call is pending is dead (terminated, crashed without an error event)
	 * and is replaced (ms). Jobs yield every slice, so a live worker answers
	 * between two slices; one synchronous step (loading, a probe) grows with
	 * the document (2 ms per KB). 4 s by default: a loaded 2-core machine was
	 * seen to leave a busy worker's pings unanswered for over a second.
	 */
	livenessMs?: number;
	/**
	 * With a death watch armed (the worker's end is seen at once), pings only
	 * find a hung worker (a busy loop): this long without an answer, plus the
	 * same 2 ms per KB of the document (ms).
	 */
	hangMs?: number;
	/** How the worker's end is seen at once: Web Locks in the browser (liveness.ts); null: pings only. */
	deathWatch?: DeathWatch | null;
	/** The clock and timers (tests step them by hand). */
	timers?: ClientTimers;
}

export interface ClientTimers {
	now(): number;
	setTimeout(run: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
	setInterval(run: () => void, ms: number): unknown;
	clearInterval(handle: unknown): void;
}

const realTimers: ClientTimers = {
	now: () => Date.now(),
	setTimeout: (run, ms) => setTimeout(run, ms),
	clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
	setInterval: (run, ms) => setInterval(run, ms),
	clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>)
};

/** A call failed because the worker was replaced while it ran. */
export class WorkerRestartedError extends Error {
	override name = 'WorkerRestartedError';
	/** the worker ended by itself (crashed, terminated): a call that did not cause it may be sent again */
	died: boolean;
	constructor(message: string, died = false) {
		super(message);
		this.died = died;
	}
}

/** Errors the worker throws about the user's input (a bad probe) rather than about itself. */
function isInputError(e: unknown): boolean {
	return e instanceof Error && e.name === 'InputError';
}

const MAX_QUICK_RESTARTS = 3;
const QUICK_WINDOW_MS = 10_000;

export class SimClient {
	#spawn: () => WorkerLike;
	#events: SimClientEvents;
	#opts: Required<Omit<SimClientOptions, 'deathWatch'>>;
	#watch: DeathWatch | null;
	/** the current worker's death is seen at once (it holds its lock) */
	#watched = false;
	#unwatch: () => void = () => {};
	#worker: WorkerLike | null = null;
	#api: Comlink.Remote<SimApi> | null = null;
	/** rejects every call of the current worker when it dies */
	#died: Promise<never> = new Promise<never>(() => {});
	#kill: (e: Error) => void = () => {};
	#version = 0;
	#doc: { text: string; file: string } | null = null;
	#restarts: number[] = [];
	#disposed = false;
	#matrixRunning = false;
	/** the current worker has answered once: its start-up (fetching and compiling the module) is behind it */
	#answered = false;
	/** how many times the worker was replaced */
	restarts = 0;
	/** set when the worker keeps dying: the client stopped restarting it */
	gaveUp: string | null = null;

	constructor(spawn: () => WorkerLike, events: SimClientEvents = {}, opts: SimClientOptions = {}) {
		this.#spawn = spawn;
		this.#events = events;
		const { deathWatch, ...rest } = opts;
		this.#opts = { timeoutMs: 60_000, heartbeatMs: 15_000, cancelGraceMs: 2_000, livenessMs: 4_000, hangMs: 15_000, timers: realTimers, ...rest };
		this.#watch = deathWatch === undefined ? webLockWatch() : deathWatch;
		this.#start();
		if (import.meta.env?.VITE_VNET_TEST_HOOKS === '1') registerTestHooks(this);
	}

	#start() {
		const w = this.#spawn();
		this.#worker = w;
		this.#api = Comlink.wrap<SimApi>(w);
		this.#answered = false;
		this.#died = new Promise<never>((_, reject) => (this.#kill = reject));
		this.#died.catch(() => {});
		const onError = (ev: Event) => {
			if (this.#worker !== w) return;
			const msg = (ev as ErrorEvent).message;
			ev.preventDefault?.();
			this.restart(`The simulator crashed${msg ? ` (${msg})` : ''}; it was restarted with your current document.`, true);
		};
		w.addEventListener('error', onError as EventListener);
		w.addEventListener('messageerror', onError as EventListener);
		this.#watched = false;
		const api = this.#api;
		this.#unwatch =
			this.#watch?.watch(
				{ hold: (name) => (api.hold as unknown as (name: string) => Promise<void>)(name) },
				{
					armed: () => {
						if (this.#worker === w) this.#watched = true;
					},
					gone: () => {
						if (this.#worker === w) this.restart('The simulator stopped (its worker ended); it was restarted with your current document.', true);
					}
				}
			) ?? (() => {});
	}

	/** Replace the worker and give it the current document again; `died`: it ended by itself (not hung, not an engine error). */
	restart(message: string, died = false) {
		if (this.#disposed) return;
		const now = this.#opts.timers.now();
		this.#restarts = this.#restarts.filter((t) => now - t < QUICK_WINDOW_MS);
		this.#restarts.push(now);
		const old = this.#worker;
		this.#unwatch();
		this.#kill(new WorkerRestartedError(message, died));
		try {
			old?.terminate();
		} catch {
			// already gone
		}
		this.#worker = null;
		this.#api = null;
		this.restarts++;
		this.#matrixRunning = false;
		if (this.#restarts.length > MAX_QUICK_RESTARTS) {
			this.gaveUp = `${message} It keeps failing, so it was stopped: reload the page to try again.`;
			this.#died = new Promise<never>((_, reject) => (this.#kill = reject));
			this.#died.catch(() => {});
			this.#kill(new WorkerRestartedError(this.gaveUp));
			this.#events.onRestart?.(this.gaveUp);
			return;
		}
		this.#start();
		this.#events.onRestart?.(message);
		if (this.#doc) void this.setDocument(this.#doc.text, this.#doc.file).catch(() => {});
	}

	/**
	 * Runs one call on the current worker, racing it against the worker's
	 * death and a watchdog. An internal error of the engine restarts the worker.
	 * A `resend` call (short and pure: a probe, a node's tables) that was in
	 * flight when the worker ended by itself runs once more on the new worker,
	 * after the document it reloads; a second end is the caller's error.
	 */
	async #call<T>(what: string, run: (api: Comlink.Remote<SimApi>) => Promise<T>, watchdog?: { arm: (kick: () => void) => void }, resend = false): Promise<T> {
		try {
			return await this.#callOnce(what, run, watchdog);
		} catch (e) {
			if (!resend || !(e instanceof WorkerRestartedError) || !e.died || !this.#api) throw e;
			return this.#callOnce(what, run, watchdog);
		}
	}

	async #callOnce<T>(what: string, run: (api: Comlink.Remote<SimApi>) => Promise<T>, watchdog?: { arm: (kick: () => void) => void }): Promise<T> {
		if (!this.#api) throw new WorkerRestartedError(this.gaveUp ?? 'the simulator is not running');
		const api = this.#api;
		const worker = this.#worker;
		const t = this.#opts.timers;
		let timer: unknown;
		let pinger: unknown;
		// One synchronous step (loading, a probe) grows with the document: 2 ms per KB.
		const perDoc = Math.ceil((this.#doc?.text.length ?? 0) / 500);
		// A worker still starting (a loaded machine can take seconds to compile it) is judged by the call's timeout instead.
		// A watched worker's death is seen at once; pings then only find a busy loop, so they wait longer.
		const allowance = !this.#answered ? this.#opts.timeoutMs : (this.#watched ? this.#opts.hangMs : this.#opts.livenessMs) + perDoc;
		// Counted in ticks of the page's own timer, not wall time: a page thread that was itself blocked did not see the worker fail.
		const period = Math.max(10, Math.floor(this.#opts.livenessMs / 4));
		const allowedTicks = Math.ceil(allowance / period);
		const dead = new Promise<never>((_, reject) => {
			let silent = 0;
			let asked = false;
			pinger = t.setInterval(() => {
				if (this.#worker !== worker) return t.clearInterval(pinger);
				if (++silent > allowedTicks) {
					t.clearInterval(pinger);
					const msg = `The simulator stopped answering while ${what}; it was restarted with your current document.`;
					this.restart(msg);
					reject(new WorkerRestartedError(msg));
					return;
				}
				if (asked) return;
				asked = true;
				api.ping().then(
					() => {
						silent = 0;
						asked = false;
						if (this.#worker === worker) this.#answered = true;
					},
					() => {}
				);
			}, period);
		});
		dead.catch(() => {});
		const timeout = watchdog ? this.#opts.heartbeatMs : this.#opts.timeoutMs;
		const hung = new Promise<never>((_, reject) => {
			const arm = () => {
				t.clearTimeout(timer);
				timer = t.setTimeout(() => {
					if (this.#worker !== worker) return;
					const msg = `The simulator did not answer for ${Math.round(timeout / 1000)} s while ${what}; it was restarted with your current document.`;
					this.restart(msg);
					reject(new WorkerRestartedError(msg));
				}, timeout);
			};
			arm();
			watchdog?.arm(arm);
		});
		hung.catch(() => {});
		try {
			const result = await Promise.race([run(api), this.#died, hung, dead]);
			if (this.#worker === worker) this.#answered = true;
			return result;
		} catch (e) {
			if (e instanceof WorkerRestartedError || isInputError(e) || this.#worker !== worker) throw e;
			const msg = `The simulator hit an internal error while ${what} (${e instanceof Error ? e.message : String(e)}); it was restarted with your current document.`;
			this.restart(msg);
			throw new Error(msg);
		} finally {
			t.clearTimeout(timer);
			t.clearInterval(pinger);
		}
	}

	/**
	 * Sends a new version of the document; its status and then its checks
	 * arrive through the events. Resolves with the status, or null when a newer
	 * document replaced it first.
	 */
	async setDocument(text: string, file: string): Promise<DocStatus | null> {
		this.#doc = { text, file };
		const version = ++this.#version;
		let status: DocStatus;
		try {
			status = await this.#call('loading the document', (api) => api.open(text, file, version));
		} catch (e) {
			if (e instanceof WorkerRestartedError) return null; // the restart sends the document again
			throw e;
		}
		if (version !== this.#version) return null;
		this.#events.onStatus?.(status);
		if (status.ok && status.checks > 0) void this.#runChecks(version);
		else this.#events.onChecks?.({ version, superseded: false, passed: 0, failed: 0, skipped: 0, results: [], ms: 0 });
		return status;
	}

	async #runChecks(version: number) {
		this.#events.onChecksRunning?.(true);
		try {
			const report = await this.#call('running the checks', (api) => api.checks(version));
			if (!report.superseded && version === this.#version) this.#events.onChecks?.(report);
		} catch {
			// a restart reloads the document and runs them again
		} finally {
			if (version === this.#version) this.#events.onChecksRunning?.(false);
		}
	}

	/** A node's tables, after `probe` when given (`vnet config --tables --json`). */
	nodeTables(nodeId: string, probe?: ProbeSpec): Promise<NodeTables> {
		return this.#call('reading the node tables', (api) => api.nodeTables(nodeId, probe), undefined, true);
	}

	/** One probe on the current document (`vnet trace --json`). */
	trace(spec: ProbeSpec): Promise<Trace> {
		return this.#call('running a probe', (api) => api.trace(spec), undefined, true);
	}

	/** A lesson step on the student's text, loaded for this call only (the current document stays). */
	lesson(text: string, file: string, job: LessonJob): Promise<LessonAnswer> {
		// comlink's Remote spreads the union over Promise: the answer is one plain LessonAnswer
		return this.#call('running the lesson step', (api) => api.lesson(text, file, job) as Promise<LessonAnswer>, undefined, true);
	}

	/** The reachability matrix; rows stream through onProgress. */
	async matrix(opts: MatrixOptions, onProgress?: (p: MatrixProgress) => void): Promise<MatrixResult> {
		let kick = () => {};
		this.#matrixRunning = true;
		try {
			return await this.#call(
				'computing the matrix',
				(api) =>
					api.matrix(
						opts,
						Comlink.proxy((p: MatrixProgress) => {
							kick();
							onProgress?.(p);
						})
					),
				{ arm: (k) => (kick = k) }
			);
		} finally {
			this.#matrixRunning = false;
		}
	}

	/** Runs a scenario of the current document; progress streams through onProgress, cancel() stops it. */
	async scenario(name: string, opts: ScenarioRunOptions = {}, onProgress?: (p: ScenarioProgress) => void): Promise<ScenarioRunResult> {
		let kick = () => {};
		this.#matrixRunning = true; // a long job: cancel() restarts a worker that does not answer
		try {
			return await this.#call(
				'running the scenario',
				(api) =>
					api.scenario(
						name,
						opts,
						Comlink.proxy((p: ScenarioProgress) => {
							kick();
							onProgress?.(p);
						})
					),
				{ arm: (k) => (kick = k) }
			);
		} finally {
			this.#matrixRunning = false;
		}
	}

	/**
	 * Stops a running matrix. The worker sees the request between two rows;
	 * if it does not answer in time, it is replaced.
	 */
	async cancel(): Promise<void> {
		const api = this.#api;
		const worker = this.#worker;
		if (!api) return;
		const t = this.#opts.timers;
		let timer: unknown;
		const late = new Promise<'late'>((r) => (timer = t.setTimeout(() => r('late'), this.#opts.cancelGraceMs)));
		const answered = await Promise.race([api.cancel().then(() => 'ok' as const), late, this.#died.catch(() => 'ok' as const)]);
		t.clearTimeout(timer);
		if (answered === 'late' && this.#worker === worker && this.#matrixRunning) this.restart('The simulator was busy; it was restarted to stop the job.');
	}

	/**
	 * Test builds only (the worker refuses otherwise): `kill` terminates the
	 * worker without any event, as a crash the page is not told about; `hang`
	 * and `crash` ask the worker to busy-loop or throw uncaught; `pause` holds
	 * its jobs between two slices until `resume`.
	 */
	debug(action: 'kill' | DebugAction): void {
		if (action === 'kill') this.#worker?.terminate();
		else void this.#api?.debug(action).catch(() => {});
	}

	/** The current document version (increments with every setDocument). */
	get version(): number {
		return this.#version;
	}

	dispose() {
		this.#disposed = true;
		const hooks = (globalThis as { __vnetWorker?: { clients: SimClient[] } }).__vnetWorker;
		if (hooks) hooks.clients = hooks.clients.filter((c) => c !== this);
		this.#unwatch();
		this.#kill(new WorkerRestartedError('the simulator was closed'));
		this.#api?.[Comlink.releaseProxy]();
		this.#worker?.terminate();
		this.#worker = null;
		this.#api = null;
	}
}

type TestHooks = { clients: SimClient[] } & Record<'kill' | DebugAction, () => void>;

/** `window.__vnetWorker.kill() / hang() / crash() / pause() / resume()` in test builds: acts on every live client. */
function registerTestHooks(client: SimClient): void {
	const g = globalThis as unknown as { __vnetWorker?: TestHooks };
	if (!g.__vnetWorker) {
		const hooks = { clients: [] as SimClient[] } as TestHooks;
		for (const action of ['kill', 'hang', 'crash', 'pause', 'resume'] as const) hooks[action] = () => hooks.clients.forEach((c) => c.debug(action));
		g.__vnetWorker = hooks;
	}
	g.__vnetWorker.clients.push(client);
}

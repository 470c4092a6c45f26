/**
 * A document's simulation: its worker client, the document status and
 * checks, the probe on screen and its playback, the matrix. One per open
 * document (a part of its tab, `simOf`), outside the panel component, so
 * switching the side panel or the document and back keeps the animation,
 * the matrix and the worker with its loaded document.
 */
import type { DocSession } from '$lib/editor/doc.svelte';
import type { Proto } from '$lib/model/types';
import { SimClient, type WorkerLike } from '$lib/worker/client';
import type { ChecksReport, DocStatus, MatrixResult, ProbeSpec, Trace } from '$lib/worker/protocol';
import { CELL_PENDING, CELL_SELF } from '$lib/worker/protocol';
import { Player } from './player.svelte';
import { buildSteps, type SimStep } from './steps';
import { emptyForm, formOf, specOf, type ProbeForm } from './form';

export type SimTab = 'probe' | 'matrix' | 'checks';

export class MatrixState {
	proto = $state<Proto>('icmp');
	port = $state('');
	running = $state(false);
	done = $state(0);
	total = $state(0);
	error = $state<string | null>(null);
	cancelled = $state(false);
	ms = $state(0);
	/** what is shown: endpoints and which run */
	shown = $state.raw<Omit<MatrixResult, 'cells' | 'ms' | 'done' | 'total'> | null>(null);
	/** one byte per cell (protocol.ts); replaced, never mutated, except while streaming */
	cells: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
	/** bumped when cells change (they are not deeply reactive) */
	revision = $state(0);
	/** cells per code, for the legend (a snapshot of `tally`) */
	counts = $state.raw<Map<number, number>>(new Map());
	tally = new Uint32Array(256);

	/** Counts cells that just arrived (bytes as in protocol.ts). */
	add(cells: Uint8Array<ArrayBufferLike>) {
		const t = this.tally;
		for (let k = 0; k < cells.length; k++) t[cells[k]]++;
	}

	/** Publishes the tally to the legend. */
	publish() {
		const m = new Map<number, number>();
		this.tally.forEach((v, c) => {
			if (v && c !== CELL_PENDING && c !== CELL_SELF) m.set(c, v);
		});
		this.counts = m;
	}

	/** Counts a whole matrix again. */
	recount() {
		this.tally = new Uint32Array(256);
		this.add(this.cells);
		this.publish();
	}
}

export class SimSession {
	client = $state.raw<SimClient | null>(null);
	status = $state.raw<DocStatus | null>(null);
	checks = $state.raw<ChecksReport | null>(null);
	checksRunning = $state(false);
	/** a message about the worker (a restart), until dismissed */
	notice = $state<string | null>(null);
	tab = $state<SimTab>('probe');

	form = $state<ProbeForm>(emptyForm());
	pickNext = $state<'from' | 'to'>('from');
	trace = $state.raw<Trace | null>(null);
	spec = $state.raw<ProbeSpec | null>(null);
	mode = $state<ProbeForm['mode']>('probe');
	steps = $state.raw<SimStep[]>([]);
	error = $state<string | null>(null);
	running = $state(false);
	/** the check last added with "expect this" (JSON), to show it as done */
	addedKey = $state<string | null>(null);
	/** the design changed since the probe on screen ran: it is marked stale (with Re-run), not re-run behind the user's back */
	designChanged = $state(false);
	/** the text the probe on screen ran on */
	#traceText: string | null = null;
	readonly player = new Player();
	readonly matrix = new MatrixState();

	#sent: { text: string; file: string } | null = null;
	#pending: { text: string; file: string } | null = null;
	/** bumped when another document comes: answers about the previous one are dropped */
	#generation = 0;
	#timer: ReturnType<typeof setTimeout> | undefined;

	/** Starts the worker once (browser only). */
	start(spawn: () => WorkerLike) {
		if (this.client) return;
		this.client = new SimClient(spawn, {
			onStatus: (s) => {
				this.status = s;
			},
			onChecks: (r) => (this.checks = r),
			onChecksRunning: (r) => (this.checksRunning = r),
			onRestart: (m) => (this.notice = m)
		});
	}

	/**
	 * The document changed: send it after `delayMs` without further changes
	 * (typing), or at once when a probe or the matrix needs it first.
	 */
	queue(text: string, file: string, delayMs: number) {
		const shown = this.#pending?.file ?? this.#sent?.file;
		if (shown !== undefined && shown !== file) this.#forget();
		this.#pending = { text, file };
		if (this.spec && this.#traceText !== null && text !== this.#traceText) this.designChanged = true;
		clearTimeout(this.#timer);
		if (delayMs <= 0) this.flush();
		else this.#timer = setTimeout(() => this.flush(), delayMs);
	}

	/** Another document: its probe, matrix and checks are not this one's. */
	#forget() {
		this.#generation++;
		this.trace = null;
		this.spec = null;
		this.steps = [];
		this.error = null;
		this.addedKey = null;
		this.designChanged = false;
		this.#traceText = null;
		this.player.load([], false);
		this.form = emptyForm();
		this.pickNext = 'from';
		this.checks = null;
		if (this.matrix.running) this.cancelMatrix();
		this.matrix.shown = null;
		this.matrix.cells = new Uint8Array(0);
		this.matrix.tally = new Uint32Array(256);
		this.matrix.counts = new Map();
		this.matrix.error = null;
	}

	/** Sends a queued document now (probes then run on what the user sees). */
	flush() {
		clearTimeout(this.#timer);
		const p = this.#pending;
		this.#pending = null;
		if (p) this.send(p.text, p.file);
	}

	/** Sends the document unless the worker already has exactly this text. */
	send(text: string, file: string) {
		const c = this.client;
		if (!c) return;
		if (this.#sent && this.#sent.text === text && this.#sent.file === file) return;
		this.#sent = { text, file };
		c.setDocument(text, file).catch((e) => (this.notice = e instanceof Error ? e.message : String(e)));
	}

	async runProbe(spec: ProbeSpec, mode: ProbeForm['mode'], play = true) {
		const c = this.client;
		if (!c) return;
		this.flush();
		const gen = this.#generation;
		const text = this.#sent?.text ?? null;
		this.running = true;
		this.error = null;
		try {
			const t = await c.trace(spec);
			if (gen !== this.#generation) return;
			this.#traceText = text;
			this.designChanged = false;
			this.trace = t;
			this.spec = spec;
			this.mode = mode;
			this.steps = buildSteps(t);
			this.player.load(this.steps, play);
		} catch (e) {
			if (gen === this.#generation) this.error = e instanceof Error ? e.message : String(e);
		} finally {
			this.running = false;
		}
	}

	/** Re-run: the probe on screen runs again on the current design, keeping its place. */
	async rerun() {
		const c = this.client;
		const spec = this.spec;
		if (!c || !spec || this.running) return;
		this.flush();
		const text = this.#sent?.text ?? null;
		try {
			const t = await c.trace(spec);
			if (spec !== this.spec) return;
			this.#traceText = text;
			this.designChanged = false;
			this.trace = t;
			this.steps = buildSteps(t);
			this.player.refresh(this.steps);
			this.error = null;
		} catch (e) {
			if (spec === this.spec) this.error = e instanceof Error ? e.message : String(e);
		}
	}

	/** One probe on the current design, not shown (a pcap export's flows). */
	probe(spec: ProbeSpec): Promise<Trace> {
		const c = this.client;
		if (!c) return Promise.reject(new Error('the simulator is not running'));
		this.flush();
		return c.trace(spec);
	}

	/** Runs what the form says. */
	run() {
		const r = specOf(this.form);
		if ('error' in r) {
			this.error = r.error;
			return;
		}
		void this.runProbe(r.spec, this.form.mode);
	}

	/** Shows and runs a given probe (a check, a matrix cell). */
	watch(spec: ProbeSpec) {
		this.form = formOf(spec, this.form.mode);
		this.tab = 'probe';
		void this.runProbe(spec, this.form.mode);
	}

	/** A node clicked on the canvas fills the next end of the probe; the second click runs it. */
	pick(node: string) {
		if (this.pickNext === 'from') {
			this.form.from = node;
			this.pickNext = 'to';
		} else {
			this.form.to = node;
			this.pickNext = 'from';
			if (this.form.from) this.run();
		}
	}

	async runMatrix() {
		const m = this.matrix;
		const c = this.client;
		if (!c || m.running) return;
		this.flush();
		const gen = this.#generation;
		m.error = null;
		const p = m.port.trim() === '' ? undefined : Number(m.port);
		if (m.proto !== 'icmp' && (p === undefined || !Number.isInteger(p) || p < 1 || p > 65535)) {
			m.error = `A ${m.proto.toUpperCase()} matrix needs a destination port (1–65535).`;
			return;
		}
		const eps = this.status?.endpoints ?? [];
		let n = eps.length;
		m.running = true;
		m.cancelled = false;
		m.done = 0;
		m.total = n * n;
		m.cells = new Uint8Array(n * n);
		m.shown = { version: this.status?.version ?? 0, endpoints: eps, proto: m.proto, port: p ?? null, cancelled: false };
		m.tally = new Uint32Array(256);
		m.counts = new Map();
		m.revision++;
		let lastCount = 0;
		try {
			const r = await c.matrix({ proto: m.proto, port: p }, (prog) => {
				if (gen !== this.#generation) return;
				if (prog.endpoints && prog.endpoints.join('\n') !== m.shown?.endpoints.join('\n')) {
					// the document changed just before the run: the worker's endpoints win
					n = prog.endpoints.length;
					m.cells = new Uint8Array(n * n);
					m.shown = { version: this.status?.version ?? 0, endpoints: prog.endpoints, proto: m.proto, port: p ?? null, cancelled: false };
				}
				if (prog.row * n + prog.cells.length <= m.cells.length) {
					m.cells.set(prog.cells, prog.row * n);
					m.add(prog.cells);
				}
				m.done = prog.done;
				m.total = prog.total;
				const now = performance.now();
				if (now - lastCount > 250) {
					m.publish();
					lastCount = now;
				}
				m.revision++;
			});
			if (gen !== this.#generation) return;
			m.cells = r.cells;
			m.shown = { version: r.version, endpoints: r.endpoints, proto: r.proto, port: r.port, cancelled: r.cancelled };
			m.done = r.done;
			m.total = r.total;
			m.cancelled = r.cancelled;
			m.ms = r.ms;
			m.recount();
			m.revision++;
		} catch (e) {
			if (gen !== this.#generation) return;
			m.error = e instanceof Error ? e.message : String(e);
			m.cancelled = true;
		} finally {
			m.running = false;
		}
	}

	cancelMatrix() {
		void this.client?.cancel();
	}

	/** The tab closed: its worker goes. */
	dispose() {
		clearTimeout(this.#timer);
		this.player.load([], false);
		this.client?.dispose();
		this.client = null;
	}
}

/** The simulation session of a document (made on first use, closed with its tab). */
export function simOf(doc: DocSession): SimSession {
	return doc.part('sim', () => new SimSession());
}

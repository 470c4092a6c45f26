// The page's side of the worker protocol (src/lib/worker/client.ts), run over
// a MessageChannel in one realm (as comlink's own tests do): versions, input
// errors, progress and cancel through Comlink.proxy, and recovery when the
// worker crashes, hangs or throws.
import { describe, it, expect, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as Comlink from 'comlink';
import { countSlices, createSimApi } from '../../src/lib/worker/api';
import { SimClient, WorkerRestartedError, type SimClientOptions, type WorkerLike } from '../../src/lib/worker/client';
import { webLockWatch, type DeathWatch } from '../../src/lib/worker/liveness';
import type { ChecksReport, DocStatus, SimApi } from '../../src/lib/worker/protocol';

const root = path.resolve(import.meta.dirname, '../..');
const threeTier = readFileSync(path.join(root, 'topologies/three-tier-web.vnet.yaml'), 'utf8');
const leafSpine = readFileSync(path.resolve(root, '../shared/bench/leafspine-4x16x20.vnet.json'), 'utf8');

interface FakeWorker extends WorkerLike {
	crash(message: string): void;
	terminated: boolean;
	/** messages the page has received from it */
	received: number;
}

/** A "worker" whose far end exposes `api` on the other port of a MessageChannel. */
function fakeWorker(api: SimApi): FakeWorker {
	const { port1, port2 } = new MessageChannel();
	Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
	const errors = new EventTarget();
	port1.addEventListener('message', () => w.received++);
	const w = {
		terminated: false,
		received: 0,
		postMessage: (m: unknown, t?: Transferable[]) => port1.postMessage(m, t ?? []),
		addEventListener: (type: string, l: EventListenerOrEventListenerObject) => (type === 'message' ? port1.addEventListener(type, l as EventListener) : errors.addEventListener(type, l)),
		removeEventListener: (type: string, l: EventListenerOrEventListenerObject) => (type === 'message' ? port1.removeEventListener(type, l as EventListener) : errors.removeEventListener(type, l)),
		start: () => port1.start(),
		terminate() {
			w.terminated = true;
			port1.close();
			port2.close();
		},
		crash(message: string) {
			const ev = new Event('error') as Event & { message: string };
			ev.message = message;
			errors.dispatchEvent(ev);
		}
	};
	return w as FakeWorker;
}

/** A client whose spawns are recorded; `apis` may replace the API of the first spawns. */
function setup(apis: ((real: SimApi) => SimApi)[] = [], opts: SimClientOptions = {}) {
	const workers: FakeWorker[] = [];
	const statuses: DocStatus[] = [];
	const checks: ChecksReport[] = [];
	const restarts: string[] = [];
	const client = new SimClient(
		() => {
			const real = createSimApi();
			const api = apis[workers.length]?.(real) ?? real;
			const w = fakeWorker(api);
			workers.push(w);
			return w;
		},
		{ onStatus: (s) => statuses.push(s), onChecks: (r) => checks.push(r), onRestart: (m) => restarts.push(m) },
		opts
	);
	return { client, workers, statuses, checks, restarts };
}

const until = async (cond: () => boolean) => {
	await vi.waitFor(() => {
		if (!cond()) throw new Error('not yet');
	}, { timeout: 10_000, interval: 5 });
};

describe('SimClient', () => {
	it('loads a document, then reports its checks', async () => {
		const { client, statuses, checks } = setup();
		const s = await client.setDocument(threeTier, 'three-tier-web.vnet.yaml');
		expect(s?.ok).toBe(true);
		expect(statuses.map((x) => x.version)).toEqual([1]);
		await until(() => checks.length === 1);
		expect(checks[0]).toMatchObject({ version: 1, passed: 10, failed: 0, superseded: false });
		client.dispose();
	});

	it('only the latest of quick edits reaches the page', async () => {
		const { client, statuses, checks } = setup();
		const first = client.setDocument(threeTier, 'f');
		const second = client.setDocument(threeTier.replace('name: three-tier-web', 'name: edited'), 'f');
		expect(await first).toBeNull();
		expect((await second)?.name).toBe('edited');
		expect(statuses.map((s) => s.version)).toEqual([2]);
		await until(() => checks.length === 1);
		expect(checks[0].version).toBe(2);
		client.dispose();
	});

	it('a broken document is a status with errors, not a failure', async () => {
		const { client, checks } = setup();
		const s = await client.setDocument('vnet: 1\nname: x\nnodes: {}\nlinks: [1]\n', 'bad.vnet.yaml');
		expect(s?.ok).toBe(false);
		expect(s?.errors[0].file).toBe('bad.vnet.yaml');
		expect(checks).toEqual([{ version: 1, superseded: false, passed: 0, failed: 0, skipped: 0, results: [], ms: 0 }]);
		await expect(client.trace({ from: 'a', to: 'b' })).rejects.toThrow('the document has errors');
		client.dispose();
	});

	it('traces, and input errors do not restart the worker', async () => {
		const { client, workers, restarts } = setup();
		await client.setDocument(threeTier, 'f');
		const t = await client.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 });
		expect(t.disposition).toBe('DELIVERED');
		await expect(client.trace({ from: 'isp', to: 'nowhere' })).rejects.toMatchObject({ name: 'InputError', message: '"nowhere" is neither a node nor an IPv4 address' });
		expect(workers.length).toBe(1);
		expect(restarts).toEqual([]);
		client.dispose();
	});

	it('streams matrix rows through a proxy callback and cancels', async () => {
		const { client } = setup();
		await client.setDocument(leafSpine, 'leafspine.vnet.json');
		let progress = 0;
		const m = await client.matrix({ proto: 'icmp' }, () => {
			if (++progress === 1) void client.cancel();
		});
		expect(m.cancelled).toBe(true);
		expect(m.done).toBeLessThan(m.total);
		expect(m.cells.length).toBe(320 * 320);
		const small = await client.setDocument(threeTier, 'f');
		expect(small?.ok).toBe(true);
		const full = await client.matrix({ proto: 'tcp', port: 443 });
		expect(full).toMatchObject({ cancelled: false, done: 16, total: 16, endpoints: ['isp', 'web1', 'app1', 'db1'] });
		client.dispose();
	});

	it('a crash restarts the worker with the current document, and says so', async () => {
		const { client, workers, statuses, restarts } = setup();
		await client.setDocument(threeTier, 'three-tier-web.vnet.yaml');
		workers[0].crash('out of memory');
		expect(workers[0].terminated).toBe(true);
		expect(workers.length).toBe(2);
		expect(restarts).toEqual(['The simulator crashed (out of memory); it was restarted with your current document.']);
		await until(() => statuses.length === 2);
		expect(statuses[1]).toMatchObject({ ok: true, name: 'three-tier-web', file: 'three-tier-web.vnet.yaml' });
		expect((await client.trace({ from: 'web1', to: 'app1', proto: 'tcp', port: 8080 })).disposition).toBe('DELIVERED');
		client.dispose();
	});

	it('a probe in flight when the worker dies is sent again to the new one; a long job fails with WorkerRestartedError', async () => {
		const { client, workers } = setup([(real) => ({ ...real, trace: never }), (real) => ({ ...real, matrix: never })]);
		await client.setDocument(threeTier, 'f');
		const probe = client.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 });
		workers[0].crash('boom');
		expect((await probe).disposition).toBe('DELIVERED');
		const matrix = client.matrix({ proto: 'icmp' });
		workers[1].crash('boom');
		await expect(matrix).rejects.toBeInstanceOf(WorkerRestartedError);
		expect(workers.length).toBe(3);
		client.dispose();
	});

	it('an internal engine error restarts the worker; the message reaches the page', async () => {
		const { client, workers, restarts, statuses } = setup([
			(real) => ({
				...real,
				trace: () => {
					throw new TypeError("Cannot read properties of undefined (reading 'mtu')");
				}
			})
		]);
		await client.setDocument(threeTier, 'f');
		await expect(client.trace({ from: 'isp', to: 'web1' })).rejects.toThrow(/internal error while running a probe \(Cannot read properties of undefined \(reading 'mtu'\)\)/);
		expect(workers.length).toBe(2);
		expect(restarts[0]).toMatch(/restarted with your current document/);
		await until(() => statuses.length === 2);
		expect((await client.trace({ from: 'isp', to: 'web1' })).disposition).toBeDefined();
		client.dispose();
	});

	it('a hung worker is replaced after the timeout', async () => {
		const { client, workers, restarts } = setup([(real) => ({ ...real, trace: () => new Promise(() => {}) as never })], { timeoutMs: 200 });
		await client.setDocument(threeTier, 'f');
		await expect(client.trace({ from: 'isp', to: 'web1' })).rejects.toThrow(/did not answer for 0 s while running a probe/);
		expect(workers.length).toBe(2);
		expect(restarts.length).toBe(1);
		client.dispose();
	});

	it('a cancel the worker does not acknowledge replaces it', async () => {
		let release = () => {};
		const { client, workers } = setup(
			[
				(real) => ({
					...real,
					// a matrix that never yields and a cancel that never answers
					matrix: () => new Promise((r) => (release = () => r(null as never))),
					cancel: () => new Promise(() => {}) as never
				})
			],
			{ cancelGraceMs: 100, heartbeatMs: 60_000 }
		);
		await client.setDocument(threeTier, 'f');
		const running = client.matrix({ proto: 'icmp' });
		await client.cancel();
		await expect(running).rejects.toBeInstanceOf(WorkerRestartedError);
		expect(workers.length).toBe(2);
		release();
		client.dispose();
	});

	it('stops restarting a worker that keeps crashing', async () => {
		const { client, workers, restarts } = setup();
		await client.setDocument(threeTier, 'f');
		for (let i = 0; i < 4; i++) workers[workers.length - 1].crash('boom');
		expect(workers.length).toBe(4);
		expect(client.gaveUp).toMatch(/keeps failing/);
		expect(restarts.at(-1)).toMatch(/reload the page/);
		await expect(client.trace({ from: 'isp', to: 'web1' })).rejects.toBeInstanceOf(WorkerRestartedError);
		client.dispose();
	});
});

/** Timers the test moves by hand: nothing here depends on how fast the machine is. */
function manualTimers() {
	let now = 0;
	let id = 0;
	const tasks = new Map<number, { at: number; every?: number; run: () => void }>();
	return {
		now: () => now,
		setTimeout: (run: () => void, ms: number) => (tasks.set(++id, { at: now + ms, run }), id),
		clearTimeout: (h: unknown) => void tasks.delete(h as number),
		setInterval: (run: () => void, ms: number) => (tasks.set(++id, { at: now + ms, every: ms, run }), id),
		clearInterval: (h: unknown) => void tasks.delete(h as number),
		/** moves the clock by `ms`, running what falls due, in order */
		advance(ms: number) {
			const end = now + ms;
			for (;;) {
				let next: [number, { at: number; every?: number; run: () => void }] | undefined;
				for (const e of tasks) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
				if (!next) break;
				const [key, task] = next;
				now = task.at;
				if (task.every) task.at += task.every;
				else tasks.delete(key);
				task.run();
			}
			now = end;
		}
	};
}

/** A death watch the test fires: `gone(i)` is the browser granting the page worker i's lock. */
function fakeWatch() {
	const watched: { gone(): void; stopped: boolean }[] = [];
	const watch: DeathWatch = {
		watch(_worker, on) {
			const w = { gone: on.gone, stopped: false };
			watched.push(w);
			on.armed();
			return () => (w.stopped = true);
		}
	};
	return { watch, watched };
}

/** A ping the test answers by hand, one per call. */
function heldPings() {
	const waiting: (() => void)[] = [];
	let answered = 0;
	return {
		api: (real: SimApi): SimApi => ({ ...real, ping: () => new Promise<number>((r) => waiting.push(() => r(0))) as never }),
		/** answers the pings asked so far; resolves once the page (reading `from`) has the answers */
		async answer(from: FakeWorker) {
			await until(() => waiting.length > 0); // the ping asked at the first tick is on its way
			const n = waiting.length;
			const target = from.received + n;
			waiting.splice(0).forEach((r) => r());
			answered += n;
			await until(() => from.received >= target);
		},
		get asked() {
			return answered + waiting.length;
		}
	};
}

const never = () => new Promise(() => {}) as never;
const PERIOD = 1_000; // livenessMs 4,000 / 4: one ping per tick

describe('a worker that dies or hangs without a word (#17)', () => {
	it('a watched worker that ends is replaced at once (no clock moves); the probe in flight is sent again and answered', async () => {
		const timers = manualTimers();
		const { watch, watched } = fakeWatch();
		const { client, workers, restarts, statuses } = setup([(real) => ({ ...real, trace: never })], { timers, deathWatch: watch });
		await client.setDocument(threeTier, 'three-tier-web.vnet.yaml');
		const probe = client.trace({ from: 'isp', to: '198.51.100.2', proto: 'tcp', port: 443 });
		workers[0].terminate(); // no error event: terminated, or killed by the browser
		watched[0].gone();
		expect(workers.length).toBe(2);
		expect(restarts).toEqual(['The simulator stopped (its worker ended); it was restarted with your current document.']);
		expect((await probe).disposition).toBe('DELIVERED');
		expect(statuses.at(-1)).toMatchObject({ ok: true, name: 'three-tier-web' });
		client.dispose();
		expect(watched[1].stopped).toBe(true);
	});

	it('a probe whose re-sent copy meets a second death gets a clear error', async () => {
		const timers = manualTimers();
		const { watch, watched } = fakeWatch();
		const { client, workers } = setup([(real) => ({ ...real, trace: never }), (real) => ({ ...real, trace: never })], { timers, deathWatch: watch });
		await client.setDocument(threeTier, 'f');
		const probe = client.trace({ from: 'isp', to: 'web1' });
		watched[0].gone();
		await until(() => workers.length === 2);
		await new Promise((r) => setTimeout(r, 0)); // the copy is on its way to worker 2
		watched[1].gone();
		await expect(probe).rejects.toThrow('The simulator stopped (its worker ended); it was restarted with your current document.');
		client.dispose();
	});

	it('a worker replaced by the client itself (hung) is not also reported as ended', async () => {
		const timers = manualTimers();
		const { watch, watched } = fakeWatch();
		const { client, restarts } = setup([], { timers, deathWatch: watch });
		await client.setDocument(threeTier, 'f');
		client.restart('replaced by hand');
		expect(watched[0].stopped).toBe(true);
		watched[0].gone(); // the browser frees the old worker's lock
		expect(restarts).toEqual(['replaced by hand']);
		client.dispose();
	});

	it('a watched worker that answers no ping is hung: replaced after hangMs, not after livenessMs', async () => {
		const timers = manualTimers();
		const { watch } = fakeWatch();
		const pings = heldPings();
		const { client, workers, restarts } = setup([(real) => ({ ...pings.api(real), trace: never })], { timers, deathWatch: watch, livenessMs: 4_000, hangMs: 20_000 });
		await client.setDocument('vnet: 1\nname: tiny\nnodes: {}\n', 'f'); // a tiny document: 1 ms of per-KB allowance
		const probe = client.trace({ from: 'isp', to: 'web1' });
		probe.catch(() => {});
		timers.advance(20 * PERIOD); // silent for hangMs: a busy worker still
		expect(workers.length).toBe(1);
		timers.advance(2 * PERIOD);
		expect(workers.length).toBe(2);
		expect(restarts).toEqual(['The simulator stopped answering while running a probe; it was restarted with your current document.']);
		// hung is not "ended by itself": the probe is not sent again (it may be what hangs)
		await expect(probe).rejects.toThrow(/stopped answering while running a probe/);
		client.dispose();
	});

	it('without a death watch, livenessMs of silence means dead', async () => {
		const timers = manualTimers();
		const pings = heldPings();
		const { client, workers } = setup([(real) => ({ ...pings.api(real), trace: never })], { timers, deathWatch: null, livenessMs: 4_000 });
		await client.setDocument('vnet: 1\nname: tiny\nnodes: {}\n', 'f');
		const probe = client.trace({ from: 'isp', to: 'web1' });
		probe.catch(() => {});
		timers.advance(4 * PERIOD);
		expect(workers.length).toBe(1);
		timers.advance(2 * PERIOD);
		expect(workers.length).toBe(2);
		await expect(probe).rejects.toThrow(/stopped answering/);
		client.dispose();
	});

	it('a busy worker that answers its pings late, but within the allowance, is never replaced', async () => {
		const timers = manualTimers();
		const pings = heldPings();
		let finish = (_: unknown) => {};
		const { client, workers } = setup([(real) => ({ ...pings.api(real), trace: () => new Promise((r) => (finish = r)) as never })], { timers, deathWatch: null, livenessMs: 4_000 });
		await client.setDocument('vnet: 1\nname: tiny\nnodes: {}\n', 'f');
		const probe = client.trace({ from: 'isp', to: 'web1' });
		for (let round = 0; round < 10; round++) {
			timers.advance(4 * PERIOD); // as long a silence as allowed, forty seconds in all
			await pings.answer(workers[0]);
		}
		expect(pings.asked).toBeGreaterThanOrEqual(10);
		expect(workers.length).toBe(1);
		finish({ disposition: 'DELIVERED' });
		expect((await probe).disposition).toBe('DELIVERED');
		client.dispose();
	});

	it('quick restarts are counted on the client clock: four in 10 s give up, four spread out do not', async () => {
		for (const gap of [0, 4_000]) {
			const timers = manualTimers();
			const { watch, watched } = fakeWatch();
			const { client } = setup([], { timers, deathWatch: watch });
			for (let i = 0; i < 4; i++) {
				watched[i].gone();
				timers.advance(gap);
			}
			expect(client.gaveUp === null).toBe(gap > 0);
			client.dispose();
		}
	});

	it('the Web Locks watch: armed once the worker holds its lock, gone when the browser grants it to the page', async () => {
		const grants: (() => void)[] = [];
		const locks = {
			request: (_name: string, _opts: unknown, grant: () => void) => new Promise<void>((r) => grants.push(() => (grant(), r())))
		} as unknown as LockManager;
		const watch = webLockWatch(locks)!;
		const events: string[] = [];
		let held: string | null = null;
		const stop = watch.watch({ hold: async (name) => void (held = name) }, { armed: () => events.push('armed'), gone: () => events.push('gone') });
		await until(() => grants.length === 1);
		expect(held).toMatch(/^vnet-engine-alive:/);
		expect(events).toEqual(['armed']);
		grants[0]();
		expect(events).toEqual(['armed', 'gone']);
		stop();
		expect(webLockWatch(undefined)).toBeNull();
	});

	it('pause holds a job between two slices (cancel lands there at any machine speed); resume lets it go on', async () => {
		const { client } = setup([() => createSimApi({ testHooks: true, slices: countSlices(1) })]);
		await client.setDocument(leafSpine, 'leafspine.vnet.json');
		client.debug('pause');
		let rows = 0;
		let firstRow = () => {};
		const arrived = new Promise<void>((r) => (firstRow = r));
		const m = client.matrix({ proto: 'icmp' }, (p) => {
			rows += p.cells.length / 320;
			firstRow();
		});
		await arrived;
		await client.cancel();
		expect(rows).toBe(1); // held after its first slice
		client.debug('resume');
		expect(await m).toMatchObject({ cancelled: true, done: 320 });
		client.dispose();
	});

	it('debug hooks are refused outside test builds', () => {
		const api = createSimApi();
		expect(() => api.debug('hang')).toThrow(/only in test builds/);
	});
});

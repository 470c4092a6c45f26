// The page's side of the worker protocol (src/lib/worker/client.ts), run over
// a MessageChannel in one realm (as comlink's own tests do): versions, input
// errors, progress and cancel through Comlink.proxy, and recovery when the
// worker crashes, hangs or throws.
import { describe, it, expect, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as Comlink from 'comlink';
import { createSimApi } from '../../src/lib/worker/api';
import { SimClient, WorkerRestartedError, type WorkerLike } from '../../src/lib/worker/client';
import type { ChecksReport, DocStatus, SimApi } from '../../src/lib/worker/protocol';

const root = path.resolve(import.meta.dirname, '../..');
const threeTier = readFileSync(path.join(root, 'topologies/three-tier-web.vnet.yaml'), 'utf8');
const leafSpine = readFileSync(path.resolve(root, '../shared/bench/leafspine-4x16x20.vnet.json'), 'utf8');

interface FakeWorker extends WorkerLike {
	crash(message: string): void;
	terminated: boolean;
}

/** A "worker" whose far end exposes `api` on the other port of a MessageChannel. */
function fakeWorker(api: SimApi): FakeWorker {
	const { port1, port2 } = new MessageChannel();
	Comlink.expose(api, port2 as unknown as Comlink.Endpoint);
	const errors = new EventTarget();
	const w = {
		terminated: false,
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
function setup(apis: ((real: SimApi) => SimApi)[] = [], opts = {}) {
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

	it('calls in flight when the worker dies fail with WorkerRestartedError', async () => {
		const { client, workers } = setup([(real) => ({ ...real, trace: () => new Promise(() => {}) as never })]);
		await client.setDocument(threeTier, 'f');
		const pending = client.trace({ from: 'isp', to: 'web1' });
		workers[0].crash('boom');
		await expect(pending).rejects.toBeInstanceOf(WorkerRestartedError);
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

describe('a worker that dies or hangs without a word (#17)', () => {
	it('a terminated worker is replaced within the liveness allowance; the probe in flight gets a clear error', async () => {
		const { client, workers, restarts, statuses, checks } = setup([], { livenessMs: 200 });
		await client.setDocument(threeTier, 'three-tier-web.vnet.yaml');
		await until(() => checks.length === 1);
		// the worker is gone without an error event (terminated, or killed by the browser)
		workers[0].terminate();
		const probe = client.trace({ from: 'isp', to: 'web1' });
		await expect(probe).rejects.toThrow(/stopped answering while running a probe; it was restarted with your current document/);
		expect(workers.length).toBe(2);
		expect(restarts[0]).toMatch(/stopped answering/);
		await until(() => statuses.length === 2);
		expect(statuses[1].ok).toBe(true);
		// the new worker answers
		expect((await client.trace({ from: 'isp', to: 'web1' })).disposition).toBeDefined();
		client.dispose();
	});

	it('a hung worker (busy forever) is replaced the same way', async () => {
		const hangs = (real: SimApi): SimApi => ({ ...real, trace: () => { const p = new Promise<never>(() => {}); return p as never; }, ping: () => new Promise<never>(() => {}) as never });
		const { client, workers, restarts } = setup([hangs], { livenessMs: 200 });
		await client.setDocument(threeTier, 'three-tier-web.vnet.yaml');
		await expect(client.trace({ from: 'isp', to: 'web1' })).rejects.toThrow(/stopped answering while running a probe/);
		expect(workers.length).toBe(2);
		expect(restarts.length).toBe(1);
		client.dispose();
	});

	it('a live worker that is busy between slices keeps answering pings and is not replaced', async () => {
		const { client, workers } = setup([], { livenessMs: 200 });
		await client.setDocument(leafSpine, 'leafspine.vnet.json');
		const m = await client.matrix({ proto: 'icmp' });
		expect(m.cancelled).toBe(false);
		expect(workers.length).toBe(1);
		client.dispose();
	});

	it('debug hooks are refused outside test builds', () => {
		const api = createSimApi();
		expect(() => api.debug('hang')).toThrow(/only in test builds/);
	});
});

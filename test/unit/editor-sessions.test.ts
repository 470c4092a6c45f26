/**
 * The simulation and scenario sessions of a document, headless (src/lib/editor/sim,
 * src/lib/editor/scenario): every engine call goes through the worker client, here
 * over a MessageChannel to the worker's own API in this realm. A probe's steps, the
 * stale mark after an edit, Re-run, the matrix, another document, a scenario run.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as Comlink from 'comlink';
import { createSimApi } from '../../src/lib/worker/api';
import type { WorkerLike } from '../../src/lib/worker/client';
import { Editor } from '../../src/lib/editor/editor.svelte';
import { simOf } from '../../src/lib/editor/sim/session.svelte';
import { scenarioOf } from '../../src/lib/editor/scenario/session.svelte';
import { setField } from '../../src/lib/editor/commands';

const root = path.resolve(import.meta.dirname, '../..');
const threeTier = readFileSync(path.join(root, 'topologies/three-tier-web.vnet.yaml'), 'utf8');
const vrrp = readFileSync(path.join(root, 'topologies/ha-vrrp.vnet.yaml'), 'utf8');

/** The engine worker, in this realm: the client talks to it only through messages. */
function spawn(): WorkerLike {
	const { port1, port2 } = new MessageChannel();
	Comlink.expose(createSimApi(), port2 as unknown as Comlink.Endpoint);
	return {
		postMessage: (m: unknown, t?: Transferable[]) => port1.postMessage(m, t ?? []),
		addEventListener: (type: string, l: EventListenerOrEventListenerObject) => type === 'message' && port1.addEventListener(type, l as EventListener),
		removeEventListener: (type: string, l: EventListenerOrEventListenerObject) => type === 'message' && port1.removeEventListener(type, l as EventListener),
		start: () => port1.start(),
		terminate: () => {
			port1.close();
			port2.close();
		}
	} as unknown as WorkerLike;
}

describe('the simulation session of a document', () => {
	it('runs a probe through the worker, marks it stale after an edit, Re-run answers on the new design', async () => {
		const ed = new Editor();
		const doc = ed.open(threeTier, 'three-tier-web.vnet.yaml');
		const sim = simOf(doc);
		expect(simOf(doc)).toBe(sim);
		sim.start(spawn);
		sim.queue(doc.text, doc.file, 0);
		sim.form.from = 'web1';
		sim.form.to = 'app1';
		sim.form.proto = 'tcp';
		sim.form.port = '8080';
		sim.run();
		await expect.poll(() => sim.trace?.disposition).toBe('DELIVERED');
		expect(sim.steps.length).toBeGreaterThan(2);
		expect(sim.player.index).toBe(0);
		expect(sim.designChanged).toBe(false);

		// the firewall no longer lets 8080 through: the result on screen is stale, not silently replaced
		expect(setField(doc.store, ['nodes', 'fw', 'rules', 1, 'port'], 8081)).toBe(true);
		sim.queue(doc.text, doc.file, 0);
		expect(sim.designChanged).toBe(true);
		expect(sim.trace?.disposition).toBe('DELIVERED');
		await sim.rerun();
		expect(sim.designChanged).toBe(false);
		expect(sim.trace?.disposition).not.toBe('DELIVERED');
		sim.dispose();
	});

	it('fills the matrix through the worker and forgets it for another document', async () => {
		const ed = new Editor();
		const doc = ed.open(threeTier, 'three-tier-web.vnet.yaml');
		const sim = simOf(doc);
		sim.start(spawn);
		sim.queue(doc.text, doc.file, 0);
		await expect.poll(() => sim.status?.endpoints.length ?? 0).toBeGreaterThan(2);
		await sim.runMatrix();
		const n = sim.matrix.shown!.endpoints.length;
		expect(sim.matrix.cells.length).toBe(n * n);
		expect(sim.matrix.counts.size).toBeGreaterThan(0);
		sim.queue(vrrp, 'ha-vrrp.vnet.yaml', 0);
		expect(sim.matrix.shown).toBeNull();
		expect(sim.trace).toBeNull();
		sim.dispose();
	});
});

describe('the scenario session of a document', () => {
	it('runs a scenario through its document simulation worker and keeps the result with the file', async () => {
		const ed = new Editor();
		const doc = ed.open(vrrp, 'ha-vrrp.vnet.yaml');
		const sc = scenarioOf(doc);
		expect(sc.sim).toBe(simOf(doc));
		sc.sim.start(spawn);
		sc.sim.queue(doc.text, doc.file, 0);
		const name = Object.keys((doc.topology as { scenarios?: Record<string, unknown> }).scenarios ?? {})[0];
		expect(name).toBeTruthy();
		await sc.start(name, doc.file);
		expect(sc.error).toBeNull();
		expect(sc.file).toBe('ha-vrrp.vnet.yaml');
		expect(sc.result?.flows.length).toBeGreaterThan(0);
		expect(sc.flow).toBe(sc.result!.flows[0].name);
		sc.seek(1e9);
		expect(sc.t).toBe(sc.result!.durationS);
		sc.dispose();
		sc.sim.dispose();
	});
});

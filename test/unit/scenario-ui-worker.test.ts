// The scenario panel's engine side: the stepped run gives the CLI's result,
// path changes per flow, and the worker API runs a scenario in slices with
// progress and cancel.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { topo } from './scenario-helpers';
import { runScenario, startScenario, type ScenarioResult } from '../../src/lib/engine/scenario/index';
import { createSimApi } from '../../src/lib/worker/api';
import type { ScenarioProgress } from '../../src/lib/worker/protocol';

const root = path.resolve(import.meta.dirname, '../..');
const haText = readFileSync(path.join(root, 'topologies/ha-vrrp.vnet.yaml'), 'utf8');
const leafSpine = path.resolve(root, '../shared/bench/leafspine-4x16x20.vnet.json');

const noWall = (r: ScenarioResult) => ({ ...r, wallSeconds: 0, flows: r.flows.map((f) => ({ ...f, paths: undefined })) });

describe('stepped scenario runs', () => {
	it('give the same result as one run, slice by slice', () => {
		const t = topo(haText);
		const whole = runScenario(t, 'r1-failure');
		const run = startScenario(t, 'r1-failure', { pathHistory: true });
		let slices = 0;
		// a slice policy that yields at every chance (every 1024 events)
		while (!run.step(() => true)) slices++;
		expect(slices).toBeGreaterThan(0);
		expect(run.progress).toBe(1);
		expect(noWall(run.result())).toEqual(noWall(whole));
	});

	it('report path changes: r1 at rest, lost at the client, r2 after the takeover', () => {
		const r = runScenario(topo(haText), 'r1-failure', { pathHistory: true });
		const paths = r.flows[0].paths!;
		expect(paths.map((p) => p.atS)).toEqual([0, 3, 5.609375]);
		expect(paths[0]).toMatchObject({ ok: true, nodes: ['client', 'office-sw', 'r1', 'dc-sw', 'server'] });
		expect(paths[0].links).toEqual(['client.eth0|office-sw.p1', 'office-sw.p2|r1.lan', 'dc-sw.p1|r1.dc', 'dc-sw.p3|server.eth0']);
		expect(paths[1].ok).toBe(false);
		expect(paths[1].reason).toMatch(/ARP/);
		expect(paths[2]).toMatchObject({ ok: true, nodes: ['client', 'office-sw', 'r2', 'dc-sw', 'server'] });
	});

	it('leave the CLI output alone without pathHistory', () => {
		const r = runScenario(topo(haText), 'r1-failure');
		expect(r.flows[0].paths).toBeUndefined();
	});
});

describe('worker api: scenario', () => {
	it('runs a scenario of the open document with its path changes', async () => {
		const api = createSimApi();
		expect(api.open(haText, 'ha-vrrp.vnet.yaml', 1).ok).toBe(true);
		const r = await api.scenario('r1-failure', {});
		expect(r.cancelled).toBe(false);
		expect(r.version).toBe(1);
		expect(r.result!.flows[0].failovers[0].failoverMs).toBeCloseTo(2610.5, 0);
		expect(r.result!.flows[0].paths!.length).toBe(3);
	});

	it('takes a work budget: above it the run does not start and the estimate comes back; a larger budget runs it', async () => {
		const api = createSimApi();
		api.open(haText, 'ha-vrrp.vnet.yaml', 1);
		const refused = await api.scenario('r1-failure', { budget: { maxPacketHops: 1000 } });
		expect(refused.result).toBeNull();
		expect(refused.cancelled).toBe(false);
		expect(refused.overBudget).toMatchObject({ packetHops: 40_000, time: '1 s' });
		expect(refused.overBudget!.message).toMatch(/about 40,000 packet-hops/);
		const ran = await api.scenario('r1-failure', { budget: { maxPacketHops: 80_000 } });
		expect(ran.overBudget).toBeUndefined();
		expect(ran.result!.flows[0].lost).toBe(2610);
	});

	it('says which scenarios exist when the name is wrong', async () => {
		const api = createSimApi();
		api.open(haText, 'ha-vrrp.vnet.yaml', 1);
		await expect(api.scenario('nope', {})).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('r1-failure') });
	});

	it('streams progress and stops on cancel', async () => {
		const api = createSimApi();
		expect(api.open(readFileSync(leafSpine, 'utf8'), 'leafspine.vnet.json', 1).ok).toBe(true);
		const seen: ScenarioProgress[] = [];
		const r = await api.scenario('bench', {}, (p) => {
			seen.push(p);
			if (seen.length === 2) api.cancel();
		});
		expect(r.cancelled).toBe(true);
		expect(r.result).toBeNull();
		expect(seen.length).toBe(2);
		expect(seen[1].fraction).toBeGreaterThanOrEqual(seen[0].fraction);
		expect(seen[1].fraction).toBeLessThan(1);
	});
});

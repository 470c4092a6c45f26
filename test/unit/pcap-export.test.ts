// The "Download pcap" of a scenario: each flow's first packet, probed through
// the simulation worker's API (in-process here), merged into one capture.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scenarioPcap } from '../../src/lib/ui/export/pcap';
import { createSimApi } from '../../src/lib/worker/api';
import { loadTopology } from '../../src/lib/model/load';
import type { Traffic } from '../../src/lib/model/types';
import { resolveTopology } from '../../src/lib/model/resolve';
import { traceToPcap } from '../../src/lib/interchange';

const root = path.resolve(import.meta.dirname, '../..');
const file = 'ha-vrrp.vnet.yaml';
const text = readFileSync(path.join(root, 'topologies', file), 'utf8');

describe('scenario pcap', () => {
	it('captures each flow probed in the worker; a flow that cannot be probed is named, not captured', async () => {
		const loaded = loadTopology(text, file);
		if (!loaded.ok) throw new Error('load');
		const topology = loaded.topology;
		const api = createSimApi();
		api.open(text, file, 1);
		const asked: string[] = [];
		const probe = async (spec: Parameters<typeof api.trace>[0]) => {
			asked.push(`${spec.from}>${spec.to}`);
			return api.trace(spec);
		};
		const flows: Traffic[] = [...(topology.scenarios['r1-failure'].traffic ?? []), { name: 'ghost', from: 'nobody', to: 'server' } as Traffic];
		const r = await scenarioPcap(topology, flows, probe);
		expect(asked).toEqual(['client>server', 'nobody>server']);
		expect(r.skipped).toEqual(['ghost: no node "nobody" in this network']);
		// one flow: the capture is that flow's probe, as the pcap writer makes it
		const spec = { from: 'client', to: 'server', proto: 'udp' as const, port: 5000, size: 1200 };
		const alone = traceToPcap(api.trace(spec), resolveTopology(topology), { probe: spec });
		expect(Buffer.from(r.bytes).equals(Buffer.from(alone))).toBe(true);
	});
});

import { loadTopology } from '../../src/lib/model/load';
import type { Topology } from '../../src/lib/model/types';
import { buildNet, ProbeEngine, type ProbeSpec, type Trace } from '../../src/lib/engine/index';

/** Loads a YAML topology written in a test, failing loudly on format errors. */
export function topo(yaml: string): Topology {
	const r = loadTopology(yaml, 'test.vnet.yaml');
	if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`).join('\n'));
	return r.topology;
}

export function probe(t: Topology | string, spec: ProbeSpec, hops = false): Trace {
	const doc = typeof t === 'string' ? topo(t) : t;
	return new ProbeEngine(buildNet(doc)).run(spec, { hops });
}

/**
 * pcap downloads of probe traces: the interchange library writes the bytes,
 * the probes run in the document's simulation worker.
 */
import { traceToPcap } from '$lib/interchange';
import { resolveTopology } from '$lib/model/resolve';
import type { ProbeSpec, Trace } from '$lib/engine/trace';
import type { Topology, Traffic } from '$lib/model/types';

export function probePcap(topology: Topology, trace: Trace, spec: ProbeSpec): Uint8Array {
	return traceToPcap(trace, resolveTopology(topology), { probe: spec });
}

/** One capture from several: the first global header, then every record, capture i shifted by i seconds. */
export function mergePcaps(parts: Uint8Array[]): Uint8Array {
	if (!parts.length) throw new Error('nothing to capture');
	const head = new DataView(parts[0].buffer, parts[0].byteOffset, 24);
	const magic = head.getUint32(0, true);
	const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
	const total = 24 + parts.reduce((n, p) => n + p.length - 24, 0);
	const out = new Uint8Array(total);
	out.set(parts[0].subarray(0, 24), 0);
	let at = 24;
	parts.forEach((p, i) => {
		const body = p.subarray(24);
		out.set(body, at);
		const v = new DataView(out.buffer, at, body.length);
		for (let o = 0; o + 16 <= body.length; ) {
			v.setUint32(o, v.getUint32(o, little) + i, little);
			o += 16 + v.getUint32(o + 8, little);
		}
		at += body.length;
	});
	return out;
}

export function flowSpec(f: Traffic): ProbeSpec {
	const spec: ProbeSpec = { from: f.from, to: f.to };
	if (f.proto) spec.proto = f.proto;
	if (f.port !== undefined) spec.port = f.port;
	if (f.sport !== undefined) spec.sport = f.sport;
	if (f.size !== undefined) spec.size = f.size;
	if (f.ttl !== undefined) spec.ttl = f.ttl;
	return spec;
}

/** Runs one probe on the document (the simulation worker's `trace`). */
export type Prober = (spec: ProbeSpec) => Promise<Trace>;

/**
 * A scenario result has no per-packet frames: the capture is each flow's
 * first packet, probed on the intact network (flow i starts at i seconds).
 */
export async function scenarioPcap(topology: Topology, flows: Traffic[], probe: Prober): Promise<{ bytes: Uint8Array; skipped: string[] }> {
	const resolved = resolveTopology(topology);
	const parts: Uint8Array[] = [];
	const skipped: string[] = [];
	for (const [sequence, f] of flows.entries()) {
		try {
			const spec = flowSpec(f);
			parts.push(traceToPcap(await probe(spec), resolved, { probe: spec, sequence }));
		} catch (err) {
			skipped.push(`${f.name}: ${err instanceof Error ? err.message : String(err)}`);
		}
	}
	return { bytes: mergePcaps(parts), skipped };
}

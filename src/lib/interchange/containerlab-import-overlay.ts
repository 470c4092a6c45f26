/**
 * Overlay segments back from a vnet-exported containerlab lab (overlays.md):
 * the exporter labels each hypervisor with its VTEP interface (`vnet.vtep`) and
 * the segments as written (`vnet.segments: NAME=VNI[@SUBNET] ...`), and each
 * guest with the segment of each interface (`vnet.segment: IFACE=NAME ...`);
 * the exec lines (bridge, vxlan device, fdb entries) follow from those.
 */
import type { Node, OverlaySegment } from '../model/types';
import { isIfaceName, labelDecode } from './ids';
import { quote } from './safe';
import type { Warnings } from './import-common';

interface LabelledNode {
	name: string;
	id: string;
	path: string;
	labels: Map<string, string>;
}

export interface ImportedOverlay {
	segments: Record<string, OverlaySegment>;
	/** per containerlab node name: vnet interface → segment */
	joins: Map<string, Map<string, string>>;
}

const SEGMENT_RE = /^([^\s=@]+)=(\d{1,8})(?:@(\d+\.\d+\.\d+\.\d+\/\d+))?$/;

export function importOverlay(clab: LabelledNode[], nodes: Record<string, Node>, w: Warnings): ImportedOverlay {
	const segments: Record<string, OverlaySegment> = Object.create(null);
	const vnis = new Set<number>();
	for (const n of clab) {
		const node = nodes[n.id];
		if (node.kind !== 'hypervisor') continue;
		const vtep = n.labels.get('vnet.vtep');
		if (vtep !== undefined) {
			const name = labelDecode(vtep);
			if (name && isIfaceName(name)) node.vtep = { interface: name };
			else w.add(`${n.path}.labels.vnet.vtep`, `ignored ${quote(vtep)}`);
		}
		for (const part of (n.labels.get('vnet.segments') ?? '').split(/\s+/)) {
			const x = SEGMENT_RE.exec(part);
			const name = x && labelDecode(x[1]);
			const vni = x ? +x[2] : 0;
			if (!x || !name || vni < 1 || vni > 16777215) {
				if (part) w.add(`${n.path}.labels.vnet.segments`, `ignored ${quote(part)}`);
				continue;
			}
			if (Object.hasOwn(segments, name) || vnis.has(vni)) continue; // every hypervisor repeats them
			segments[name] = x[3] ? { vni, subnet: x[3] } : { vni };
			vnis.add(vni);
		}
	}
	const joins = new Map<string, Map<string, string>>();
	for (const n of clab) {
		const spec = n.labels.get('vnet.segment');
		if (!spec) continue;
		const m = new Map<string, string>();
		for (const part of spec.split(/\s+/)) {
			const x = /^([a-z][a-z0-9.]*)=([^\s=]+)$/.exec(part);
			const seg = x && labelDecode(x[2]);
			if (!x || !seg || !Object.hasOwn(segments, seg)) {
				if (part) w.add(`${n.path}.labels.vnet.segment`, `ignored ${quote(part)}${seg ? ' (no such segment in any vnet.segments label)' : ''}`);
				continue;
			}
			m.set(x[1], seg);
		}
		if (m.size) joins.set(n.name, m);
	}
	return { segments, joins };
}

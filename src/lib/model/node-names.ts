/**
 * A node as people read it: the label the user gave, the id when there is
 * none. Ids stay the key (tooltips, search, the file); labels are what a
 * panel shows first.
 */
import type { Topology } from './types';

type Nodes = Pick<Topology, 'nodes'> | null | undefined;

/**
 * The label of a node, or its id. An engine id of a hypervisor's virtual
 * switch ("hv:bridge:eth0") reads "<hv's label> bridge eth0".
 */
export function nodeLabel(t: Nodes, id: string): string {
	const [head, ...rest] = id.split(':');
	const label = t?.nodes[head]?.label?.trim() || head;
	return [label, ...rest].join(' ');
}

/** "Lab server (hv)": the label, the id after it; only the id when the label is none or the same. */
export function nodeLabelAndId(t: Nodes, id: string): string {
	const label = nodeLabel(t, id);
	return label === id || label === id.split(':').join(' ') ? label : `${label} (${id})`;
}

/** "vm2.eth0" → "Web VM · eth0" (the interface after the node's label). */
export function endpointLabel(t: Nodes, endpoint: string): string {
	const dot = endpoint.indexOf('.');
	if (dot < 0) return nodeLabel(t, endpoint);
	return `${nodeLabel(t, endpoint.slice(0, dot))} · ${endpoint.slice(dot + 1)}`;
}

/**
 * A sentence of the engine's ("r2 becomes VRRP master") with each node id
 * that stands as a word replaced by the node's label. Parts of other names
 * ("r1.eth0", "10.0.0.1", "hv:bridge") are words of their own and stay.
 */
export function withNodeLabels(t: Nodes, text: string): string {
	if (!t) return text;
	return text.replace(/(^|[\s(,→–])([A-Za-z][A-Za-z0-9_-]*)(?=$|[\s),:;→–])/g, (all, pre: string, word: string) => {
		const label = t.nodes[word]?.label?.trim();
		return label && label !== word ? `${pre}${label}` : all;
	});
}

/** The drawn node an engine place stands for: "hv:nat" → "hv" (the canvas and the packet player both need it). */
export function canvasNodeOf(id: string): string {
	const i = id.indexOf(':');
	return i < 0 ? id : id.slice(0, i);
}

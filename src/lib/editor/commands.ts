/**
 * Every user action on the document, as a command on the store: one call,
 * one undo step. Commands read the document through the transaction (so a
 * command sees its own earlier edits) and write with path operations, so
 * comments and key order elsewhere in the file are untouched.
 */
import type { Kind, ProbeCheck } from '../model/types';
import type { Path, Transaction } from './document';
import { ID_STEM, nextFreeInterface, uniqueId, usedInterfaces, type RawInterface } from './ids';
import type { TopologyStore } from './store';
import { repairInTransaction } from './valid-edits';
import { isGuestKind } from '../model/kinds';

type RawNode = Record<string, unknown> & { kind?: string; on?: string; interfaces?: Record<string, RawInterface | null> };
type RawLink = { a?: string; b?: string; [key: string]: unknown };

export interface Point {
	x: number;
	y: number;
}

function round(p: Point): Point {
	return { x: Math.round(p.x), y: Math.round(p.y) };
}

function links(tx: Transaction): RawLink[] {
	const value = tx.get(['links']);
	return Array.isArray(value) ? (value as RawLink[]) : [];
}

function node(tx: Transaction, id: string): RawNode | undefined {
	const value = tx.get(['nodes', id]);
	return value && typeof value === 'object' ? (value as RawNode) : undefined;
}

function nodeIds(tx: Transaction): string[] {
	return tx.keys(['nodes']);
}

function endNode(end: unknown): string | undefined {
	return typeof end === 'string' ? end.split('.')[0] : undefined;
}

// ---- nodes -------------------------------------------------------------------

export interface AddNodeOptions {
	/** the hypervisor a vm/container is placed in */
	on?: string;
	id?: string;
}

/** A new node with an interface ready to wire; returns its id. */
export function addNode(store: TopologyStore, kind: Kind, at: Point, options: AddNodeOptions = {}): string | null {
	let id = '';
	const ok = store.apply(`Add ${kind}`, (tx) => {
		id = options.id && !tx.has(['nodes', options.id]) ? options.id : uniqueId(ID_STEM[kind], (c) => tx.has(['nodes', c]));
		const value: RawNode = { kind };
		const guestOn = isGuestKind(kind) && options.on && node(tx, options.on)?.kind === 'hypervisor' ? options.on : undefined;
		value.position = round(at);
		if (guestOn) value.on = guestOn;
		if (kind === 'switch') value.interfaces = { p1: {} };
		else if (guestOn) value.interfaces = { eth0: { dhcp: true, attach: 'nat' } };
		else value.interfaces = { eth0: {} };
		tx.set(['nodes', id], value);
		// a product without a plain `nat` mode gets its own NAT-like mode
		if (guestOn) repairInTransaction(tx, ['nodes', id, 'on']);
	});
	return ok ? id : null;
}

/** Moves nodes (one undo step for a whole drag). */
export function moveNodes(store: TopologyStore, moves: { id: string; x: number; y: number }[], label?: string, merge?: string): boolean {
	if (moves.length === 0) return false;
	return store.apply(label ?? (moves.length === 1 ? `Move ${moves[0].id}` : `Move ${moves.length} nodes`), (tx) => {
		for (const m of moves) {
			if (!tx.has(['nodes', m.id])) continue;
			const p = round(m);
			const current = tx.get(['nodes', m.id, 'position']) as Point | undefined;
			if (current && current.x === p.x && current.y === p.y) continue;
			tx.set(['nodes', m.id, 'position'], p);
		}
	}, { merge });
}

/** A vm/container moves into a hypervisor (`on:`) or out of one (null). */
export function setHost(store: TopologyStore, id: string, host: string | null, at?: Point): boolean {
	return store.apply(host ? `Move ${id} into ${host}` : `Move ${id} out of its hypervisor`, (tx) => {
		const n = node(tx, id);
		if (!n || !isGuestKind(String(n.kind))) return;
		if (at) tx.set(['nodes', id, 'position'], round(at));
		if (host) {
			if (node(tx, host)?.kind !== 'hypervisor' || n.on === host) return;
			const wasGuest = n.on !== undefined;
			tx.set(['nodes', id, 'on'], host);
			if (!wasGuest) {
				// an unwired, unaddressed interface joins the hypervisor's NAT network, as hypervisors do by default
				const used = usedInterfaces(id, links(tx));
				for (const [name, iface] of Object.entries(n.interfaces ?? {})) {
					if (used.has(name) || name.includes('.')) continue;
					const i = iface ?? {};
					if (i.attach === undefined && i.ip === undefined && i.dhcp === undefined && i.bond === undefined) {
						tx.set(['nodes', id, 'interfaces', name, 'attach'], 'nat');
						tx.set(['nodes', id, 'interfaces', name, 'dhcp'], true);
						break;
					}
				}
			}
		} else {
			if (n.on === undefined) return;
			tx.delete(['nodes', id, 'on']);
			// attachments exist only on a hypervisor
			for (const [name, iface] of Object.entries(n.interfaces ?? {})) {
				if (!iface || iface.attach === undefined) continue;
				for (const key of ['attach', 'network', 'uplink', 'dhcp']) tx.delete(['nodes', id, 'interfaces', name, key]);
			}
		}
		// modes the new hypervisor's product lacks are converted, not left invalid
		repairInTransaction(tx, ['nodes', id, 'on']);
	});
}

// ---- wiring --------------------------------------------------------------------

/** Cables two nodes on their next free interfaces; returns the new link's index. */
export function connect(store: TopologyStore, a: string, b: string): number | null {
	if (a === b) return null;
	let index = -1;
	const ok = store.apply(`Connect ${a} and ${b}`, (tx) => {
		const na = node(tx, a);
		const nb = node(tx, b);
		if (!na || !nb) return;
		const all = links(tx);
		const ends: string[] = [];
		for (const [id, n] of [
			[a, na],
			[b, nb]
		] as const) {
			const free = nextFreeInterface(n.kind as Kind, (n.interfaces ?? {}) as Record<string, RawInterface>, usedInterfaces(id, all));
			if (!free.declared) tx.set(['nodes', id, 'interfaces', free.name], {});
			ends.push(`${id}.${free.name}`);
		}
		index = all.length;
		tx.insert(['links'], { a: ends[0], b: ends[1] });
	});
	return ok ? index : null;
}

// ---- deleting --------------------------------------------------------------------

/** Deletes nodes (with their cables, and a hypervisor with its guests) and links. */
export function deleteElements(store: TopologyStore, what: { nodes?: string[]; links?: number[] }): boolean {
	const nodes = what.nodes ?? [];
	const linkIdx = what.links ?? [];
	if (nodes.length === 0 && linkIdx.length === 0) return false;
	const label =
		nodes.length + linkIdx.length === 1 ? (nodes.length ? `Delete ${nodes[0]}` : 'Delete link') : `Delete ${nodes.length + linkIdx.length} elements`;
	// the derived topology is the document at the start of the command (commands need a valid one): cheaper to read
	const t = store.topology!;
	return store.apply(label, (tx) => {
		const gone = new Set(nodes.filter((id) => tx.has(['nodes', id])));
		for (const [id, n] of Object.entries(t.nodes)) if (n.on && gone.has(n.on)) gone.add(id);
		const all = t.links;
		const drop = new Set(linkIdx.filter((i) => i >= 0 && i < all.length));
		all.forEach((l, i) => {
			if (gone.has(endNode(l.a) ?? '') || gone.has(endNode(l.b) ?? '')) drop.add(i);
		});
		for (const i of [...drop].sort((x, y) => y - x)) tx.remove(['links'], i);
		for (const id of gone) tx.delete(['nodes', id]);
		// controllers stop managing deleted switches
		for (const [id, n] of Object.entries(t.nodes)) {
			const manages = n.manages;
			if (gone.has(id) || !Array.isArray(manages)) continue;
			for (let i = manages.length - 1; i >= 0; i--) if (gone.has(String(manages[i]))) tx.remove(['nodes', id, 'manages'], i);
		}
		// a Service whose load balancer is deleted stays, its external address pending
		for (const [name, svc] of Object.entries(t.kubernetes?.services ?? {})) {
			if (!svc.load_balancer || !gone.has(svc.load_balancer)) continue;
			tx.delete(['kubernetes', 'services', name, 'load_balancer']);
			if (svc.external_ip !== undefined) tx.delete(['kubernetes', 'services', name, 'external_ip']);
		}
	});
}

// ---- copy and paste ----------------------------------------------------------------

/** What copy puts on the clipboard: the nodes as the file writes them, and the links among them. */
export interface Clipboard {
	vnetClipboard: 1;
	nodes: Record<string, RawNode>;
	links: RawLink[];
}

export function copyNodes(store: TopologyStore, ids: string[]): Clipboard | null {
	const doc = store.doc;
	if (!doc) return null;
	const all = (doc.getIn(['nodes']) as { toJSON(): Record<string, RawNode> } | undefined)?.toJSON() ?? {};
	const picked = new Set(ids.filter((id) => id in all));
	// a hypervisor comes with its guests
	for (const [id, n] of Object.entries(all)) if (n.on && picked.has(n.on)) picked.add(id);
	if (picked.size === 0) return null;
	const nodes: Record<string, RawNode> = {};
	for (const id of picked) nodes[id] = structuredClone(all[id]);
	const rawLinks = ((doc.getIn(['links']) as { toJSON(): RawLink[] } | undefined)?.toJSON() ?? []) as RawLink[];
	const inside = rawLinks.filter((l) => picked.has(endNode(l.a) ?? '') && picked.has(endNode(l.b) ?? ''));
	return { vnetClipboard: 1, nodes, links: structuredClone(inside) };
}

function renameEnd(end: unknown, ids: Map<string, string>): unknown {
	if (typeof end !== 'string') return end;
	const dot = end.indexOf('.');
	const id = dot < 0 ? end : end.slice(0, dot);
	const to = ids.get(id);
	return to === undefined ? end : to + (dot < 0 ? '' : end.slice(dot));
}

/** Pastes a clipboard offset by `offset`, with fresh ids; returns the new ids. */
export function paste(store: TopologyStore, clip: Clipboard, offset: Point = { x: 40, y: 40 }, label = 'Paste'): string[] {
	const created: string[] = [];
	store.apply(label, (tx) => {
		const ids = new Map<string, string>();
		const taken = (id: string) => tx.has(['nodes', id]) || [...ids.values()].includes(id);
		for (const id of Object.keys(clip.nodes)) ids.set(id, uniqueId(id, taken));
		for (const [oldId, raw] of Object.entries(clip.nodes)) {
			const n = structuredClone(raw);
			const id = ids.get(oldId)!;
			if (n.position && typeof n.position === 'object') {
				const p = n.position as Point;
				n.position = round({ x: p.x + offset.x, y: p.y + offset.y });
			}
			if (typeof n.on === 'string' && ids.has(n.on)) n.on = ids.get(n.on);
			if (Array.isArray(n.manages)) n.manages = n.manages.map((m) => ids.get(String(m)) ?? m);
			if (n.label !== undefined && typeof n.label === 'string') n.label = `${n.label} (copy)`;
			// a MAC written in the file would clash
			for (const iface of Object.values(n.interfaces ?? {})) if (iface && 'mac' in iface) delete iface.mac;
			tx.set(['nodes', id], n);
			created.push(id);
		}
		for (const l of clip.links) tx.insert(['links'], { ...l, a: renameEnd(l.a, ids), b: renameEnd(l.b, ids) });
	});
	return created;
}

export function duplicate(store: TopologyStore, ids: string[]): string[] {
	const clip = copyNodes(store, ids);
	return clip ? paste(store, clip, { x: 40, y: 40 }, ids.length === 1 ? `Duplicate ${ids[0]}` : `Duplicate ${ids.length} nodes`) : [];
}

// ---- fields -------------------------------------------------------------------------

/** Sets (or with undefined, removes) one field. */
export function setField(store: TopologyStore, path: Path, value: unknown, label?: string, merge?: string): boolean {
	return store.apply(label ?? `Set ${path.slice(-1)[0]}`, (tx) => tx.set(path, value), { merge });
}

export function addItem(store: TopologyStore, path: Path, value: unknown, label?: string, index?: number): boolean {
	return store.apply(label ?? `Add to ${path.slice(-1)[0]}`, (tx) => tx.insert(path, value, index));
}

export function removeItem(store: TopologyStore, path: Path, index: number, label?: string): boolean {
	return store.apply(label ?? `Remove from ${path.slice(-1)[0]}`, (tx) => tx.remove(path, index));
}

export function moveItem(store: TopologyStore, path: Path, from: number, to: number, label?: string): boolean {
	return store.apply(label ?? `Reorder ${path.slice(-1)[0]}`, (tx) => tx.move(path, from, to));
}

/** Appends a probe check to `checks`. */
export function addCheck(store: TopologyStore, check: ProbeCheck): boolean {
	const clean = Object.fromEntries(Object.entries(check).filter(([, v]) => v !== undefined));
	return store.apply(`Add check ${check.from} → ${check.to}`, (tx) => tx.insert(['checks'], clean));
}

/** New positions for many nodes at once (auto-layout): one undo step. */
export function applyLayout(store: TopologyStore, positions: Record<string, Point>, name = 'Layout'): boolean {
	return moveNodes(
		store,
		Object.entries(positions).map(([id, p]) => ({ id, ...p })),
		name
	);
}

// ---- renaming -------------------------------------------------------------------------

function renameRef(value: unknown, from: string, to: string): unknown {
	if (value === from) return to;
	if (typeof value === 'string' && (value.startsWith(`${from}.`) || value.startsWith(`${from}:`))) return to + value.slice(from.length);
	return undefined;
}

/** Renames a node and every reference to it (links, on, manages, ha, rules, pools, forwards, checks, scenarios). */
export function renameNode(store: TopologyStore, from: string, to: string): boolean {
	if (from === to) return false;
	return store.apply(`Rename ${from} to ${to}`, (tx) => {
		if (!tx.has(['nodes', from])) return;
		if (tx.has(['nodes', to])) throw new Error(`there is already a node "${to}"`);
		tx.renameKey(['nodes', from], to);
		const fix = (path: Path) => {
			const next = renameRef(tx.get(path), from, to);
			if (next !== undefined) tx.set(path, next);
		};
		links(tx).forEach((_, i) => {
			fix(['links', i, 'a']);
			fix(['links', i, 'b']);
		});
		for (const id of nodeIds(tx)) {
			const n = node(tx, id)!;
			fix(['nodes', id, 'on']);
			fix(['nodes', id, 'ha', 'to']);
			(Array.isArray(n.manages) ? n.manages : []).forEach((_, i) => fix(['nodes', id, 'manages', i]));
			(Array.isArray(n.pool) ? n.pool : []).forEach((_, i) => fix(['nodes', id, 'pool', i]));
			(Array.isArray(n.rules) ? n.rules : []).forEach((_, i) => {
				fix(['nodes', id, 'rules', i, 'from']);
				fix(['nodes', id, 'rules', i, 'to']);
			});
			const nat = n.nat as { forwards?: unknown[] } | undefined;
			(Array.isArray(nat?.forwards) ? nat.forwards : []).forEach((_, i) => fix(['nodes', id, 'nat', 'forwards', i, 'to']));
		}
		// the cluster's entries, its pods' nodes and its Services' load balancer
		for (const part of ['nodes', 'pods']) if (tx.has(['kubernetes', part, from])) tx.renameKey(['kubernetes', part, from], to);
		for (const pod of tx.keys(['kubernetes', 'pods'])) fix(['kubernetes', 'pods', pod, 'node']);
		for (const svc of tx.keys(['kubernetes', 'services'])) fix(['kubernetes', 'services', svc, 'load_balancer']);
		const checks = tx.get(['checks']);
		(Array.isArray(checks) ? checks : []).forEach((_, i) => {
			fix(['checks', i, 'from']);
			fix(['checks', i, 'to']);
		});
		for (const s of tx.keys(['scenarios'])) {
			const sc = tx.get(['scenarios', s]) as { traffic?: unknown[]; events?: Record<string, unknown>[] } | undefined;
			(sc?.traffic ?? []).forEach((_, i) => {
				fix(['scenarios', s, 'traffic', i, 'from']);
				fix(['scenarios', s, 'traffic', i, 'to']);
			});
			(sc?.events ?? []).forEach((e, i) => {
				for (const k of ['fail', 'restore']) {
					if (e && typeof e[k] === 'object') fix(['scenarios', s, 'events', i, k, 'link']);
					else fix(['scenarios', s, 'events', i, k]);
				}
			});
		}
	});
}

/** Renames an interface and the references to it on the node and in links. */
export function renameInterface(store: TopologyStore, nodeId: string, from: string, to: string): boolean {
	if (from === to) return false;
	return store.apply(`Rename ${nodeId}.${from} to ${to}`, (tx) => {
		const base = ['nodes', nodeId, 'interfaces'];
		if (!tx.has([...base, from])) return;
		if (tx.has([...base, to])) throw new Error(`${nodeId} already has an interface "${to}"`);
		tx.renameKey([...base, from], to);
		const ref = (v: unknown) => (v === from ? to : typeof v === 'string' && v.startsWith(`${from}.`) ? to + v.slice(from.length) : undefined);
		links(tx).forEach((l, i) => {
			for (const k of ['a', 'b'] as const) {
				if (endNode(l[k]) !== nodeId) continue;
				const rest = String(l[k]).slice(nodeId.length + 1);
				const next = ref(rest);
				if (next !== undefined) tx.set(['links', i, k], `${nodeId}.${next}`);
			}
		});
		const n = node(tx, nodeId)!;
		for (const [name, iface] of Object.entries(n.interfaces ?? {})) {
			const members = (iface?.bond as { members?: unknown[] } | undefined)?.members;
			(members ?? []).forEach((m, i) => {
				if (m === from) tx.set([...base, name, 'bond', 'members', i], to);
			});
		}
		const lists: Path[] = [
			['nodes', nodeId, 'nat', 'masquerade'],
			['nodes', nodeId, 'ospf', 'passive']
		];
		for (const p of lists) {
			const v = tx.get(p);
			(Array.isArray(v) ? v : []).forEach((x, i) => {
				if (x === from) tx.set([...p, i], to);
			});
		}
		(Array.isArray(n.rules) ? n.rules : []).forEach((r, i) => {
			for (const k of ['in', 'out']) if ((r as Record<string, unknown>)[k] === from) tx.set(['nodes', nodeId, 'rules', i, k], to);
		});
	});
}

/** Adds an interface (the next free name) to a node; returns its name. */
export function addInterface(store: TopologyStore, nodeId: string, fields: Record<string, unknown> = {}): string | null {
	let name = '';
	const ok = store.apply(`Add interface to ${nodeId}`, (tx) => {
		const n = node(tx, nodeId);
		if (!n) return;
		const ifaces = (n.interfaces ?? {}) as Record<string, RawInterface>;
		const used = new Set([...Object.keys(ifaces), ...usedInterfaces(nodeId, links(tx))]);
		name = nextFreeInterface(n.kind as Kind, {}, used).name;
		tx.set(['nodes', nodeId, 'interfaces', name], fields);
	});
	return ok ? name : null;
}

/** Removes an interface and the links that use it. */
export function removeInterface(store: TopologyStore, nodeId: string, name: string): boolean {
	return store.apply(`Remove ${nodeId}.${name}`, (tx) => {
		links(tx)
			.map((l, i) => ({ l, i }))
			.filter(({ l }) => [l.a, l.b].some((e) => typeof e === 'string' && (e === `${nodeId}.${name}` || e.startsWith(`${nodeId}.${name}.`))))
			.reverse()
			.forEach(({ i }) => tx.remove(['links'], i));
		tx.delete(['nodes', nodeId, 'interfaces', name]);
	});
}

/** A new, empty document. */
export function emptyDocument(name = 'untitled'): string {
	return `vnet: 1\nname: ${name}\nnodes: {}\nlinks: []\n`;
}

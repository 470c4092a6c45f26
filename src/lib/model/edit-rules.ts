/**
 * Edits that keep a design valid (#14.2). A property change is planned on a
 * plain copy of the document: the value is set, the file schema says what the
 * new value forbids, and that is removed or converted until the document
 * validates again. What the schema forbids is read from the schema itself
 * (unknown fields of the new kind, `dhcp` where the attachment has no DHCP
 * server, `uplink`/`network` on a mode that takes none, `vlan` next to
 * `trunk`); conversions of attach modes come from the product table. An edit
 * that no removal makes valid is refused with the schema's reason.
 *
 * Pure: the app applies a plan as one command (editor/valid-edits.ts).
 */
import { policyPartToDrop } from './kube-policy-edit';
import { errorMap, formatPath } from './load';
import { PRODUCTS, productOf, type ProductMode } from './products';
import { topologySchema } from './schema';
import { u32ToIp, parseCidr, parseIp } from './net';
import { isGuestKind } from './kinds';

export type EditPath = (string | number)[];

/** One step of a plan: set `value` at `path` (undefined: delete it). */
export interface EditStep {
	path: EditPath;
	value: unknown;
}

export type EditPlan =
	| {
			ok: true;
			steps: EditStep[];
			/** what was removed because the new value forbids it, as "eth0 dhcp" (the node's id first when it is another node) */
			dropped: string[];
			/** what was changed to fit ("eth0 attach nat → bridge") */
			converted: string[];
	  }
	| { ok: false; reason: string };

export interface PathIssue {
	path: EditPath;
	message: string;
}

export interface ZodIssueLike {
	code: string;
	path: PropertyKey[];
	message: string;
	keys?: string[];
	errors?: ZodIssueLike[][];
}

/**
 * Zod issues as path + message, one per problem (the loader's rules, without
 * positions): a union's closest branch, each unknown key at itself.
 * `missingAtParent`: a missing required field is reported at the object that
 * lacks it (where a form shows it), not at the absent field.
 */
export function flattenIssues(issues: ZodIssueLike[], base: EditPath = [], missingAtParent = false, out: PathIssue[] = []): PathIssue[] {
	for (const issue of issues) {
		const path = [...base, ...(issue.path as EditPath)];
		if (issue.code === 'invalid_union' && issue.errors?.length) {
			flattenIssues(
				issue.errors.reduce((a, b) => (b.length < a.length ? b : a)),
				path,
				missingAtParent,
				out
			);
		} else if (issue.code === 'unrecognized_keys' && issue.keys) {
			const lines = issue.message.split('\n');
			issue.keys.forEach((key, i) => out.push({ path: [...path, key], message: lines[i] ?? lines[0] }));
		} else {
			const missing = missingAtParent ? /^missing required field `([^`]+)`/.exec(issue.message) : null;
			const at = missing && path[path.length - 1] === missing[1] ? path.slice(0, -1) : path;
			out.push({ path: at, message: issue.message });
		}
	}
	return out;
}

/** The format errors of a plain document, each at the path of the field that has it (unknown fields at the field). */
export function formatIssues(doc: unknown): PathIssue[] {
	const result = topologySchema.safeParse(doc, { error: errorMap });
	return result.success ? [] : flattenIssues(result.error.issues as unknown as ZodIssueLike[]);
}

// ---- plain-object paths ---------------------------------------------------------------

type Obj = Record<string | number, unknown>;

function isObj(v: unknown): v is Obj {
	return v !== null && typeof v === 'object';
}

function getAt(doc: unknown, path: EditPath): unknown {
	let cur: unknown = doc;
	for (const k of path) {
		if (!isObj(cur) || !Object.hasOwn(cur, k)) return undefined;
		cur = cur[k];
	}
	return cur;
}

function hasAt(doc: unknown, path: EditPath): boolean {
	const parent = getAt(doc, path.slice(0, -1));
	return isObj(parent) && Object.hasOwn(parent, path[path.length - 1]);
}

function setAt(doc: unknown, path: EditPath, value: unknown): void {
	let cur = doc as Obj;
	for (let i = 0; i < path.length - 1; i++) {
		const k = path[i];
		if (!isObj(cur[k])) cur[k] = typeof path[i + 1] === 'number' ? [] : {};
		cur = cur[k] as Obj;
	}
	const last = path[path.length - 1];
	if (value === undefined) {
		if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
		else delete cur[last];
	} else cur[last] = structuredClone(value);
}

function samePath(a: EditPath, b: EditPath): boolean {
	return a.length === b.length && a.every((k, i) => String(k) === String(b[i]));
}

function isPrefix(prefix: EditPath, path: EditPath): boolean {
	return prefix.length <= path.length && prefix.every((k, i) => String(k) === String(path[i]));
}

/** "eth0 dhcp", "rules[0].in", "vm2 eth0 attach": how the notice names a field. */
export function describeField(path: EditPath, editedNode?: string): string {
	if (path[0] !== 'nodes') return formatPath(path);
	const [, node, ...rest] = path;
	const where = rest[0] === 'interfaces' && rest.length > 1 ? `${String(rest[1])}${rest.length > 2 ? ` ${formatPath(rest.slice(2))}` : ''}` : formatPath(rest);
	return node === editedNode ? where : `${String(node)} ${where}`;
}

// ---- attach modes -----------------------------------------------------------------------

/** What a mode is for, so a product change keeps the guest on the same kind of segment. */
function role(mode: ProductMode): 'nat' | 'lan' | 'private' | 'none' {
	if (mode.nat) return 'nat';
	if (mode.uplink) return 'lan';
	if (mode.mode === 'none' || mode.mode === 'host') return 'none';
	return 'private';
}

/** The mode of `to` closest to `mode` of another product: same role, then the same DHCP, then one needing no network name. */
export function closestMode(mode: string, from: string | undefined, to: string | undefined): ProductMode | undefined {
	const target = productOf(to);
	const same = target.modes.find((m) => m.mode === mode);
	if (same) return same;
	const old = productOf(from).modes.find((m) => m.mode === mode) ?? Object.values(PRODUCTS).flatMap((p) => p.modes).find((m) => m.mode === mode);
	if (!old) return target.modes[0];
	const score = (m: ProductMode) => (role(m) === role(old) ? 8 : 0) + (m.dhcp === old.dhcp ? 2 : 0) + (m.network !== 'required' ? 1 : 0) + (role(m) === 'none' ? -4 : 0);
	return [...target.modes].sort((a, b) => score(b) - score(a))[0];
}

/** The guest interface's hypervisor (raw), if it runs on one. */
function hypervisorOf(doc: unknown, nodeId: string): { id: string; hv: Obj } | undefined {
	const on = getAt(doc, ['nodes', nodeId, 'on']);
	if (typeof on !== 'string') return undefined;
	const hv = getAt(doc, ['nodes', on]);
	return isObj(hv) && hv.kind === 'hypervisor' ? { id: on, hv } : undefined;
}

function productId(hv: Obj | undefined): string | undefined {
	return typeof hv?.product === 'string' ? hv.product : undefined;
}

/**
 * A network name for a mode that needs one: a port group the hypervisor
 * declares, a name its other guests already use in that mode, a declared
 * network, else the product's default or VirtualBox's "intnet". Undefined when
 * the hypervisor has nothing to offer (ESXi without port groups).
 */
export function proposeNetwork(doc: unknown, nodeId: string, mode: ProductMode): string | undefined {
	const host = hypervisorOf(doc, nodeId);
	const product = productOf(productId(host?.hv));
	if (product.takesPortgroups) return isObj(host?.hv.portgroups) ? Object.keys(host.hv.portgroups)[0] : undefined;
	const nodes = getAt(doc, ['nodes']);
	if (isObj(nodes) && host)
		for (const [id, n] of Object.entries(nodes)) {
			if (id === nodeId || !isObj(n) || n.on !== host.id || !isObj(n.interfaces)) continue;
			for (const itf of Object.values(n.interfaces)) if (isObj(itf) && itf.attach === mode.mode && typeof itf.network === 'string') return itf.network;
		}
	if (product.takesNetworks && isObj(host?.hv.networks)) {
		const first = Object.keys(host.hv.networks)[0];
		if (first) return first;
	}
	return mode.defaultNetwork ?? 'intnet';
}

const DEFAULT_PORTGROUP = 'VM Network';

/** Steps that make a guest interface's `attach` whole: the network name a mode requires. */
function completeAttach(draft: unknown, ifacePath: EditPath): EditStep[] {
	const itf = getAt(draft, ifacePath);
	if (!isObj(itf) || typeof itf.attach !== 'string' || itf.network !== undefined) return [];
	const nodeId = String(ifacePath[1]);
	const mode = productOf(productId(hypervisorOf(draft, nodeId)?.hv)).modes.find((m) => m.mode === itf.attach);
	if (!mode || mode.network !== 'required') return [];
	const network = proposeNetwork(draft, nodeId, mode);
	if (network !== undefined) return [{ path: [...ifacePath, 'network'], value: network }];
	const host = hypervisorOf(draft, nodeId);
	if (!host || !productOf(productId(host.hv)).takesPortgroups) return [];
	// ESXi's own default port group, untagged, so the guest has somewhere to go
	return [
		{ path: ['nodes', host.id, 'portgroups', DEFAULT_PORTGROUP], value: { vlan: 0 } },
		{ path: [...ifacePath, 'network'], value: DEFAULT_PORTGROUP }
	];
}

function isGuestAttach(draft: unknown, path: EditPath): boolean {
	if (path.length !== 5 || path[0] !== 'nodes' || path[2] !== 'interfaces' || path[4] !== 'attach') return false;
	const kind = getAt(draft, ['nodes', path[1], 'kind']);
	return typeof kind === 'string' && isGuestKind(kind);
}

// ---- planning ------------------------------------------------------------------------------

const MAX_ROUNDS = 24;

/**
 * Plans setting `value` at `path` (undefined: removing it) on a valid plain
 * document (`doc` is not changed). The plan's steps, applied in order, give a
 * valid document; or the edit is refused with the reason the schema gives.
 */
export function planEdit(doc: unknown, path: EditPath, value: unknown): EditPlan {
	const draft = structuredClone(doc);
	const steps: EditStep[] = [];
	const step = (s: EditStep) => {
		setAt(draft, s.path, s.value);
		steps.push(s);
	};
	step({ path, value });
	if (isGuestAttach(draft, path)) completeAttach(draft, path.slice(0, -1)).forEach(step);
	const repaired = repair(draft, path, (s) => steps.push(s));
	if (!repaired.ok) return repaired;
	return { ok: true, steps, dropped: repaired.dropped, converted: repaired.converted };
}

/**
 * Removes or converts what an edit at `edited` left behind on `draft` (changed
 * in place; each change is also told to `onStep`) until it validates. Used by planEdit and by
 * commands that make several changes (moving a guest to another hypervisor).
 */
export function repair(
	draft: unknown,
	edited: EditPath,
	onStep: (s: EditStep) => void
): { ok: true; dropped: string[]; converted: string[] } | { ok: false; reason: string } {
	const step = (s: EditStep) => {
		setAt(draft, s.path, s.value);
		onStep(s);
	};
	const editedNode = edited[0] === 'nodes' ? String(edited[1]) : undefined;
	const dropped: string[] = [];
	const converted: string[] = [];
	for (let round = 0; round < MAX_ROUNDS; round++) {
		const issues = formatIssues(draft);
		if (issues.length === 0) return { ok: true, dropped, converted };
		let progress = false;
		for (const issue of issues) {
			const p = issue.path;
			if (samePath(p, edited) || isPrefix(p, edited)) {
				// the edited field itself conflicts: a sibling it forbids goes (`vlan` when a port becomes a trunk)
				const sibling = conflictingSibling(draft, edited, issue);
				if (!sibling) continue;
				dropped.push(describeField(sibling, editedNode));
				step({ path: sibling, value: undefined });
				progress = true;
				break;
			}
			const policyPart = policyPartToDrop(draft, p);
			// never the part holding the edit itself: then the edit is refused with the schema's reason
			if (policyPart && isPrefix(policyPart, edited)) continue;
			if (policyPart && hasAt(draft, policyPart)) {
				// inside a NetworkPolicy only the broken peer, port, selector term (or its rule) goes
				dropped.push(describeField(policyPart, editedNode));
				step({ path: policyPart, value: undefined });
				progress = true;
				break;
			}
			if (p[0] === 'kubernetes' && p[1] === 'services' && (p[3] === 'load_balancer' || p[3] === 'external_ip') && hasAt(draft, p.slice(0, 4))) {
				// a Service's load balancer that no longer fits: only the reference goes (its external address pending), the Service stays
				const ref = p.slice(0, 4);
				dropped.push(describeField(ref, editedNode));
				step({ path: ref, value: undefined });
				progress = true;
				break;
			}
			if (p[0] === 'kubernetes' && p.length >= 3 && hasAt(draft, p.slice(0, 3))) {
				// a cluster entry (kubernetes.nodes.ID, kubernetes.pods.ID) the edited node no longer fits goes whole
				const entry = p.slice(0, 3);
				dropped.push(describeField(entry, editedNode));
				step({ path: entry, value: undefined });
				progress = true;
				break;
			}
			if (p.length < 3 || p[0] !== 'nodes') continue;
			if (!hasAt(draft, p)) {
				// a required field the new kind's block needs (a gateway's forward needs `in`): the block item goes
				const item = p.slice(0, -1);
				if (item.length < 5 || typeof item[item.length - 1] !== 'number' || !hasAt(draft, item)) continue;
				dropped.push(describeField(item, editedNode));
				step({ path: item, value: undefined });
				progress = true;
				break;
			}
			if (isGuestAttach(draft, p)) {
				const nodeId = String(p[1]);
				const ifacePath = p.slice(0, -1);
				const current = String(getAt(draft, p));
				// the mode of the hypervisor's (new) product doing the same job
				const mode = closestMode(current, undefined, productId(hypervisorOf(draft, nodeId)?.hv));
				if (mode && mode.mode !== current) {
					converted.push(`${describeField(p, editedNode)} ${current} → ${mode.mode}`);
					step({ path: p, value: mode.mode });
					// the old product's network name means nothing to the new one
					if (hasAt(draft, [...ifacePath, 'network'])) step({ path: [...ifacePath, 'network'], value: undefined });
					completeAttach(draft, ifacePath).forEach(step);
					progress = true;
					break;
				}
				const fill = completeAttach(draft, ifacePath);
				if (fill.length) {
					fill.forEach(step);
					progress = true;
					break;
				}
			}
			dropped.push(describeField(p, editedNode));
			step({ path: p, value: undefined });
			progress = true;
			break;
		}
		if (!progress) {
			const mine = issues.filter((i) => isPrefix(i.path, edited) || isPrefix(edited, i.path));
			return { ok: false, reason: (mine.length ? mine : issues).map((i) => i.message).join('; ') };
		}
	}
	return { ok: false, reason: 'the change leaves the design invalid' };
}

/** A field next to the edited one whose removal clears `issue`, if there is one. */
function conflictingSibling(draft: unknown, edited: EditPath, issue: PathIssue): EditPath | undefined {
	const parentPath = edited.slice(0, -1);
	const parent = getAt(draft, parentPath);
	if (!isObj(parent) || Array.isArray(parent)) return undefined;
	const key = String(edited[edited.length - 1]);
	for (const sibling of Object.keys(parent)) {
		if (sibling === key || sibling === 'kind') continue;
		const trial = structuredClone(draft);
		setAt(trial, [...parentPath, sibling], undefined);
		const still = formatIssues(trial).some((i) => samePath(i.path, issue.path) && i.message === issue.message);
		if (!still) return [...parentPath, sibling];
	}
	return undefined;
}

// ---- addresses ------------------------------------------------------------------------------

/** Every address the design uses (interfaces, gateways, VIPs), as numbers. */
export function usedAddresses(doc: unknown): Set<number> {
	const used = new Set<number>();
	const nodes = getAt(doc, ['nodes']);
	if (!isObj(nodes)) return used;
	const add = (v: unknown) => {
		const n = typeof v === 'string' ? parseIp(v.split('/')[0]) : null;
		if (n !== null) used.add(n);
	};
	for (const n of Object.values(nodes)) {
		if (!isObj(n)) continue;
		add(n.vip);
		if (!isObj(n.interfaces)) continue;
		for (const itf of Object.values(n.interfaces)) {
			if (!isObj(itf)) continue;
			add(itf.ip);
			add(itf.gateway);
			if (isObj(itf.vrrp)) add(itf.vrrp.vip);
		}
	}
	return used;
}

/** The first (or from the top, the last) address of `cidr` ("192.168.1.0/24") nobody in the design uses, with the prefix length. */
export function freeAddress(doc: unknown, cidr: string, from: 'bottom' | 'top' = 'bottom'): string | undefined {
	const c = parseCidr(cidr);
	if (!c || c.len > 30) return undefined;
	const used = usedAddresses(doc);
	if (from === 'top') {
		for (let a = c.last - 1; a > c.net; a--) if (!used.has(a)) return `${u32ToIp(a)}/${c.len}`;
	} else for (let a = c.net + 1; a < c.last; a++) if (!used.has(a)) return `${u32ToIp(a)}/${c.len}`;
	return undefined;
}

export interface BridgedAddress {
	/** the hypervisor interface the guest joins */
	uplink: string;
	/** its LAN, "192.168.1.0/24" */
	subnet: string;
	/** a free address there, "192.168.1.2/24" */
	suggested?: string;
	/** the LAN's gateway, when the uplink has one */
	gateway?: string;
}

/** For a bridged guest interface: the uplink's LAN and a free address on it (null when the uplink has no address). */
export function bridgedAddress(doc: unknown, nodeId: string, ifName: string): BridgedAddress | null {
	const host = hypervisorOf(doc, nodeId);
	if (!host || !isObj(host.hv.interfaces)) return null;
	const itf = getAt(doc, ['nodes', nodeId, 'interfaces', ifName]);
	const uplink = isObj(itf) && typeof itf.uplink === 'string' ? itf.uplink : Object.keys(host.hv.interfaces)[0];
	const up = uplink === undefined ? undefined : host.hv.interfaces[uplink];
	const ip = isObj(up) && typeof up.ip === 'string' ? parseCidr(up.ip) : null;
	if (!ip || uplink === undefined) return null;
	const subnet = `${u32ToIp(ip.net)}/${ip.len}`;
	return {
		uplink,
		subnet,
		suggested: freeAddress(doc, subnet),
		gateway: isObj(up) && typeof up.gateway === 'string' ? up.gateway : undefined
	};
}

/** A plan's steps applied to a copy of `doc` (what the store's command does to the document). */
export function applySteps(doc: unknown, steps: EditStep[]): unknown {
	const out = structuredClone(doc);
	for (const s of steps) setAt(out, s.path, s.value);
	return out;
}

/** Node rules: attachments to hypervisors, connectivity, hypervisor capacity, NAT. */
import type { Node } from '../types';
import { productMode } from '../products';
import { ENDPOINT_KINDS, uplinkOf } from '../segments';
import { isGuestKind } from '../kinds';
import { parseIp, splitSubinterface } from '../net';
import { isAddrLike } from '../references';
import { type Linter, fmtBytes } from './linter';

export function lintAttachments(L: Linter): void {
	for (const [id, n] of Object.entries(L.nodes)) {
		if (!n) continue;
		const itfs = n.interfaces ?? {};
		let hv: Node | undefined;
		if (n.on !== undefined) {
			hv = L.node(n.on);
			if (!hv) L.warn('on-unknown-node', ['nodes', id, 'on'], `${id} runs on "${n.on}", which is not in \`nodes\`. Name an existing hypervisor.`);
			else if (hv.kind !== 'hypervisor') {
				L.warn('on-not-hypervisor', ['nodes', id, 'on'], `${id} runs on "${n.on}", a ${hv.kind}; only a hypervisor hosts guests. Change its kind or name a hypervisor.`);
				hv = undefined;
			}
		}
		for (const [name, itf] of Object.entries(itfs)) {
			if (!itf?.attach) continue;
			const path = ['nodes', id, 'interfaces', name, 'attach'];
			if (n.on === undefined) {
				L.warn(
					'attach-without-on',
					path,
					`${id}.${name} uses attach: ${itf.attach} but ${id} has no \`on:\`, so there is no hypervisor to attach to and the interface is connected to nothing. Add on: <hypervisor> to ${id}, or link the interface instead.`
				);
			}
			if (L.linksOf.has(`${id}\u0000${name}`))
				L.warn('attach-and-link', path, `${id}.${name} is attached (${itf.attach}) and also an end of a link; an interface is either attached through its hypervisor or cabled, not both. Remove the attach or the link.`);
			if (hv && itf.attach === 'bridged') {
				const up = uplinkOf(hv, itf);
				if (!up)
					L.warn('uplink-unknown-interface', path, `${id}.${name} is bridged but hypervisor ${n.on} has no interfaces to bridge onto. Give ${n.on} an uplink interface.`);
				else if (!L.interfaceNames(n.on!).has(up))
					L.warn('uplink-unknown-interface', ['nodes', id, 'interfaces', name, 'uplink'], `${id}.${name} bridges onto "${up}", which is not an interface of ${n.on} (it has ${Object.keys(hv.interfaces ?? {}).join(', ') || 'none'}).`);
			}
		}
	}
}

export function lintConnectivity(L: Linter): void {
	const hasGuests = new Set<string>();
	for (const n of Object.values(L.nodes)) if (n?.on && Object.values(n.interfaces ?? {}).some((i) => i?.attach)) hasGuests.add(n.on);
	for (const [id, n] of Object.entries(L.nodes)) {
		if (!n || n.kind === 'sdn-controller') continue;
		const itfs = n.interfaces ?? {};
		const attached = Object.values(itfs).some((i) => i?.attach);
		if (!L.linkedNodes.has(id) && !attached && !hasGuests.has(id)) {
			L.warn('node-isolated', ['nodes', id], `${id} is in no link${n.on !== undefined ? ' and has no attached interface' : ''}: it is connected to nothing. Link one of its interfaces${isGuestKind(n.kind) ? ' or attach it to its hypervisor' : ''}, or remove it.`);
			continue;
		}
		if (n.kind === 'switch') continue;
		const members = new Map<string, string>();
		for (const [b, itf] of Object.entries(itfs)) for (const m of itf?.bond?.members ?? []) members.set(m, b);
		for (const [name, itf] of Object.entries(itfs)) {
			if (!itf || (!itf.ip && !itf.dhcp) || itf.attach) continue;
			const sub = splitSubinterface(name);
			const phys = sub ? sub.parent : name;
			const cables = itfs[phys]?.bond ? (itfs[phys].bond!.members ?? []) : [phys];
			if (cables.some((c) => L.linksOf.has(`${id}\u0000${c}`))) continue;
			// a tagged subinterface of an attached interface (an ESXi VGT guest, port group VLAN 4095): connected when its VLAN reaches something
			if (sub && itfs[phys]?.attach) {
				const seg = L.segs.of(id, name);
				if (seg && (seg.interfaces.length > 1 || seg.implicit.length || seg.switches.length)) continue;
			}
			if (n.kind === 'hypervisor' && L.guestsOf(id).some((g) => Object.values(L.nodes[g].interfaces ?? {}).some((gi) => gi?.attach === 'bridged' && uplinkOf(n, gi) === name))) continue;
			L.warn(
				'interface-unconnected',
				['nodes', id, 'interfaces', name],
				`${id}.${name} has an address but no cable${cables.length > 1 || cables[0] !== name ? ` (on ${cables.join(', ')})` : ''}: nothing can reach it. Add a link, or remove the interface.`
			);
		}
	}
}

export function lintHypervisors(L: Linter): void {
	const capacity = (id: string) => {
		const hv = L.node(id)!;
		const oc = { cpu: hv.overcommit?.cpu ?? 4, memory: hv.overcommit?.memory ?? 1 };
		return { vcpu: hv.vcpu, memory: hv.memory, oc };
	};
	const demand = (ids: string[]) => {
		let vcpu = 0;
		let memory = 0;
		for (const g of ids) {
			vcpu += L.node(g)?.vcpu ?? 0;
			memory += L.node(g)?.memory ?? 0;
		}
		return { vcpu, memory };
	};
	for (const [id, hv] of Object.entries(L.nodes)) {
		if (hv?.kind !== 'hypervisor') continue;
		const guests = L.guestsOf(id);
		const { vcpu, memory, oc } = capacity(id);
		const d = demand(guests);
		if (vcpu !== undefined && d.vcpu > vcpu * oc.cpu)
			L.warn(
				'hypervisor-overcommit',
				['nodes', id, 'vcpu'],
				`${id}'s guests have ${d.vcpu} vCPUs in all, more than its ${vcpu} CPUs x overcommit ${oc.cpu} = ${vcpu * oc.cpu}. Move guests to another hypervisor, shrink them, or raise overcommit.cpu if you accept the contention.`
			);
		if (memory !== undefined && d.memory > memory * oc.memory)
			L.warn(
				'hypervisor-overcommit',
				['nodes', id, 'memory'],
				`${id}'s guests have ${fmtBytes(d.memory)} of memory in all, more than its ${fmtBytes(memory)} x overcommit ${oc.memory} = ${fmtBytes(memory * oc.memory)}: they will swap or be killed. Move guests, shrink them, or add memory.`
			);
		if (hv.ha) {
			const to = L.node(hv.ha.to);
			if (!to || to.kind !== 'hypervisor' || hv.ha.to === id) {
				L.warn(
					'ha-unknown-target',
					['nodes', id, 'ha', 'to'],
					hv.ha.to === id
						? `${id} fails over to itself; ha.to must name another hypervisor.`
						: `${id} fails over to "${hv.ha.to}", which is ${to ? `a ${to.kind}, not a hypervisor` : 'not in `nodes`'}. Name another hypervisor.`
				);
			} else {
				const c2 = capacity(hv.ha.to);
				const d2 = demand([...L.guestsOf(hv.ha.to), ...guests]);
				const over: string[] = [];
				if (c2.vcpu !== undefined && d2.vcpu > c2.vcpu * c2.oc.cpu) over.push(`${d2.vcpu} vCPUs > ${c2.vcpu * c2.oc.cpu}`);
				if (c2.memory !== undefined && d2.memory > c2.memory * c2.oc.memory) over.push(`${fmtBytes(d2.memory)} > ${fmtBytes(c2.memory * c2.oc.memory)}`);
				if (over.length)
					L.warn(
						'ha-capacity',
						['nodes', id, 'ha', 'to'],
						`if ${id} fails, its guests restart on ${hv.ha.to}, which then holds ${over.join(' and ')} (its capacity x overcommit). Keep spare capacity on ${hv.ha.to} for the failover.`
					);
			}
		}
	}
}

export function lintNat(L: Linter): void {
	let dhcpAround: boolean | undefined; // computed on the first forward to an unknown address
	for (const [id, n] of Object.entries(L.nodes)) {
		if (!n) continue;
		const names = L.interfaceNames(id);
		if (n.kind === 'nat-gateway' && !(n.nat?.masquerade ?? []).length)
			L.warn(
				'nat-gateway-no-masquerade',
				n.nat ? ['nodes', id, 'nat'] : ['nodes', id, 'kind'],
				`nat-gateway ${id} masquerades no interface, so private sources leave untranslated (and replies cannot find their way back from the internet). Add nat: { masquerade: [<wan interface>] }.`
			);
		(n.nat?.masquerade ?? []).forEach((m, k) => {
			if (!names.has(m)) L.warn('nat-unknown-interface', ['nodes', id, 'nat', 'masquerade', k], `masquerade names "${m}", which is not an interface of ${id} (it has ${[...names].join(', ') || 'none'}).`);
			else if (!n.interfaces?.[m]?.ip && !n.interfaces?.[m]?.dhcp)
				L.warn('nat-unknown-interface', ['nodes', id, 'nat', 'masquerade', k], `masquerade on ${id}.${m}, which has no address to translate to. Give it an ip.`);
		});
		(n.nat?.forwards ?? []).forEach((f, k) => {
			const path = ['nodes', id, 'nat', 'forwards', k];
			if (f?.in !== undefined && !names.has(f.in))
				L.warn('nat-unknown-interface', [...path, 'in'], `port forward arrives on "${f.in}", which is not an interface of ${id} (it has ${[...names].join(', ') || 'none'}).`);
			const m = /^(.*):(\d+)$/.exec(f?.to ?? '');
			if (!m) return;
			const [, target, portS] = m;
			const port = Number(portS);
			let tnode: string | undefined;
			if (isAddrLike(target)) {
				const a = parseIp(target);
				if (a === null) return;
				tnode = L.nodesWithAddress(a).find((x) => x !== id);
				if (!tnode) {
					dhcpAround ??= Object.values(L.nodes).some((x) => Object.values(x?.interfaces ?? {}).some((i) => i?.dhcp));
					if (!dhcpAround)
						L.warn('nat-forward-target', [...path, 'to'], `port forward to ${f.to}: no node has the address ${target}, so forwarded connections go nowhere. Point it at an existing server.`);
					return;
				}
			} else {
				tnode = target;
				if (!L.node(target)) {
					L.warn('nat-forward-target', [...path, 'to'], `port forward to ${f.to}: there is no node "${target}". Name an existing node.`);
					return;
				}
				if (n.kind === 'hypervisor') {
					const g = L.node(target)!;
					// a NAT guest: any mode with NAT in the hypervisor's product (presets.md), or a Hyper-V NetNat internal switch
					const natGuest = (i: { attach?: string } | undefined) =>
						productMode(n.product, i?.attach)?.nat !== undefined || (n.product === 'hyper-v' && i?.attach === 'internal' && n.nat?.subnet !== undefined);
					if (g.on !== id || !Object.values(g.interfaces ?? {}).some(natGuest))
						L.warn('nat-forward-target', [...path, 'to'], `${id} forwards ${f.proto}/${f.port} to ${target}, which is not a NAT guest of ${id}; a hypervisor's forwards lead into its own NAT network only.`);
				}
			}
			const t = L.node(tnode)!;
			const listens =
				(t.services ?? []).some((s) => s.proto === f.proto && s.port === port) ||
				// a chained forward: the target hypervisor forwards that port on to a guest
				(t.nat?.forwards ?? []).some((g) => g?.proto === f.proto && g?.port === port);
			if (ENDPOINT_KINDS.has(t.kind) && !listens)
				L.warn(
					'nat-forward-no-service',
					[...path, 'to'],
					`port forward ${f.proto}/${f.port} → ${f.to}: ${tnode} does not listen on ${f.proto}/${port}, so forwarded connections are refused. Add ${f.proto}/${port} to ${tnode}'s services or fix the port.`
				);
		});
	}
}
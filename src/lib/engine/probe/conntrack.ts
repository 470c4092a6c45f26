/**
 * Connection tracking (Linux nf_conntrack): each node's entries, found by a
 * packet's tuple in either direction (or by the packet an ICMP error
 * quotes), and the NAT a reply or related error undoes on the way back.
 */
import type { CNode } from '../compile';
import type { Pkt, Tuple } from '../packet';
import type { Conn, ProbeContext } from './context';
import { ctErrorAboutDetail, ctErrorDetail, ctReplyDetail, flowText } from './wording';

export interface Tracked {
	conn: Conn;
	dir: 'orig' | 'reply' | 'related';
}

function sameTuple(t: Tuple, src: number, sport: number, dst: number, dport: number, proto: number): boolean {
	return t.src === src && t.dst === dst && t.sport === sport && t.dport === dport && t.proto === proto;
}

export function ctFind(ctx: ProbeContext, node: CNode, p: Pkt): Tracked | null {
	const conns = ctx.conns;
	if (p.kind === 'icmp-err' && p.inner) {
		const i = p.inner;
		for (const c of conns) {
			if (c.node !== node.idx) continue;
			// The quoted packet left this node as i: our conn expects its reverse as a reply...
			if (sameTuple(c.reply, i.dst, i.dport, i.src, i.sport, i.proto)) return { conn: c, dir: 'related' };
			// ...or the quoted packet was a reply we forwarded.
			if (sameTuple(c.orig, i.dst, i.dport, i.src, i.sport, i.proto)) return { conn: c, dir: 'related' };
		}
		return null;
	}
	for (const c of conns) {
		if (c.node !== node.idx) continue;
		if (sameTuple(c.reply, p.src, p.sport, p.dst, p.dport, p.proto)) return { conn: c, dir: 'reply' };
		if (sameTuple(c.orig, p.src, p.sport, p.dst, p.dport, p.proto)) return { conn: c, dir: 'orig' };
	}
	return null;
}

export function ctAdd(ctx: ProbeContext, node: CNode, orig: Tuple, out: Tuple): void {
	const reply: Tuple = { src: out.dst, dst: out.src, sport: out.dport, dport: out.sport, proto: out.proto };
	ctx.conns.push({ node: node.idx, orig: { src: orig.src, dst: orig.dst, sport: orig.sport, dport: orig.dport, proto: orig.proto }, reply });
}

/** Undo NAT on a reply or related error; returns a description when it rewrote anything. */
export function ctTranslate(ctx: ProbeContext, p: Pkt, found: Tracked): string | null {
	const { conn, dir } = found;
	if (dir === 'reply') {
		const changed = p.src !== conn.orig.dst || p.sport !== conn.orig.dport || p.dst !== conn.orig.src || p.dport !== conn.orig.sport;
		if (!changed) return null;
		const before = ctx.record ? flowText(p) : '';
		p.src = conn.orig.dst;
		p.sport = conn.orig.dport;
		p.dst = conn.orig.src;
		p.dport = conn.orig.sport;
		return ctx.record ? ctReplyDetail(before, flowText(p)) : 'nat';
	}
	if (dir === 'related' && p.inner) {
		const i = p.inner;
		// Is the quoted packet the original direction as it left (reply tuple reversed)?
		if (i.src === conn.reply.dst && i.sport === conn.reply.dport && i.dst === conn.reply.src && i.dport === conn.reply.sport) {
			// Linux (nf_nat_icmp_reply_translation) rewrites the outer header like a reply of the
			// connection: on a DNAT'd connection the error's source becomes the address the client called.
			const dnatted = conn.reply.src !== conn.orig.dst;
			const changed = p.dst !== conn.orig.src || (dnatted && p.src !== conn.orig.dst);
			p.inner = { ...conn.orig };
			p.dst = conn.orig.src;
			if (dnatted) p.src = conn.orig.dst;
			return changed ? ctErrorAboutDetail(i.src, p.src, conn.orig.src) : null;
		}
		// The quoted packet was a reply we translated back: restore it as it arrived
		// (on a masqueraded connection the error's source becomes the masquerade address).
		const snatted = conn.reply.dst !== conn.orig.src;
		const changed = p.dst !== conn.reply.src || (snatted && p.src !== conn.reply.dst);
		p.inner = { ...conn.reply };
		p.dst = conn.reply.src;
		if (snatted) p.src = conn.reply.dst;
		return changed ? ctErrorDetail(p.src, p.dst) : null;
	}
	return null;
}

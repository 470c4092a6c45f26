/**
 * The canvas as an SVG file, drawn from what cytoscape shows: the same
 * positions, edge colours (VLANs), dashes, labels, hypervisor boxes and icons
 * (inlined, so the file stands alone). Built here rather than with a plugin:
 * cytoscape-svg is GPL-3.0 and this app is MIT.
 */
import type cytoscape from 'cytoscape';

type Pstyle = { value: unknown; strValue?: string; units?: unknown; pfValue?: unknown };

export function xmlEscape(s: string): string {
	return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function ps(el: cytoscape.SingularElementArgument, name: string): Pstyle | undefined {
	try {
		return (el as unknown as { pstyle(n: string): Pstyle }).pstyle(name);
	} catch {
		return undefined;
	}
}

function str(el: cytoscape.SingularElementArgument, name: string, fallback = ''): string {
	try {
		const v = el.style(name);
		return v === undefined || v === null ? fallback : String(v);
	} catch {
		return fallback;
	}
}

function num(el: cytoscape.SingularElementArgument, name: string, fallback = 0): number {
	const v = parseFloat(str(el, name, String(fallback)));
	return Number.isFinite(v) ? v : fallback;
}

function color(el: cytoscape.SingularElementArgument, name: string, fallback: string): string {
	const c = str(el, name, fallback);
	// cytoscape reports rgb(…) or names; anything else is not written into the file
	return /^(#[0-9a-fA-F]{3,8}|rgba?\([0-9.,\s%]+\)|[a-zA-Z]+)$/.test(c) ? c : fallback;
}

/** Inlines an icon URL as a data: URL (same-origin static files); data: URLs pass through. */
async function inline(url: string, cache: Map<string, Promise<string | null>>): Promise<string | null> {
	if (url.startsWith('data:')) {
		// the canvas's own badges are utf8 SVG data URLs: the file takes base64 only
		const utf8 = /^data:(image\/[a-z0-9.+-]+);utf8,(.*)$/s.exec(url);
		if (!utf8) return url;
		const bytes = new TextEncoder().encode(decodeURIComponent(utf8[2]));
		let bin = '';
		for (const byte of bytes) bin += String.fromCharCode(byte);
		return `data:${utf8[1]};base64,${btoa(bin)}`;
	}
	if (!cache.has(url)) {
		cache.set(
			url,
			fetch(url)
				.then(async (r) => {
					if (!r.ok) return null;
					const type = r.headers.get('content-type')?.split(';')[0] || 'image/svg+xml';
					const bytes = new Uint8Array(await r.arrayBuffer());
					let bin = '';
					for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
					return `data:${type};base64,${btoa(bin)}`;
				})
				.catch(() => null)
		);
	}
	return cache.get(url)!;
}

function layerSize(v: unknown, unit: unknown, box: number): number | null {
	const n = typeof v === 'number' ? v : parseFloat(String(v));
	if (!Number.isFinite(n)) return null;
	return unit === '%' ? (n / 100) * box : n;
}

function at<T>(x: unknown, i: number): T | undefined {
	return Array.isArray(x) ? (x[i] as T) : i === 0 ? (x as T) : undefined;
}

function textLines(x: number, y: number, text: string, opts: { size: number; fill: string; weight: string; anchor: string; bg?: string }): string {
	const lines = text.split('\n');
	const lh = opts.size * 1.3;
	let out = '';
	if (opts.bg) {
		const w = Math.max(...lines.map((l) => l.length)) * opts.size * 0.58 + 4;
		const h = lines.length * lh + 2;
		const x0 = opts.anchor === 'middle' ? x - w / 2 : opts.anchor === 'end' ? x - w : x;
		out += `<rect x="${x0.toFixed(1)}" y="${(y - opts.size - 1).toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" rx="3" fill="${opts.bg}" fill-opacity="0.92"/>`;
	}
	out += `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${opts.size}" font-weight="${xmlEscape(opts.weight)}" fill="${xmlEscape(opts.fill)}" text-anchor="${opts.anchor}">`;
	lines.forEach((l, i) => (out += `<tspan x="${x.toFixed(1)}" dy="${i ? lh.toFixed(1) : 0}">${xmlEscape(l)}</tspan>`));
	return out + '</text>';
}

/** A node's background layers (icon, badges) as <image>s, placed as cytoscape places them in the box x1, y1, nw × nh. */
async function layerImages(n: cytoscape.NodeSingular, x1: number, y1: number, nw: number, nh: number, cache: Map<string, Promise<string | null>>): Promise<string> {
	let out = '';
	const images = ps(n, 'background-image')?.value;
	const urls = (Array.isArray(images) ? images : [images]).filter((u): u is string => typeof u === 'string' && u !== 'none' && u !== '');
	const bw = ps(n, 'background-width');
	const bh = ps(n, 'background-height');
	const bx = ps(n, 'background-position-x');
	const by = ps(n, 'background-position-y');
	for (let i = 0; i < urls.length; i++) {
		const href = await inline(urls[i], cache);
		// only inlined images: no external or javascript: reference ever reaches the file
		if (!href || !/^data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=]*$/.test(href)) continue;
		const iw = layerSize(at(bw?.value, i), at(bw?.units, i), nw) ?? nw;
		const ih = layerSize(at(bh?.value, i), at(bh?.units, i), nh) ?? nh;
		const px = layerSize(at(bx?.value, i), at(bx?.units, i), 1) ?? 0.5;
		const py = layerSize(at(by?.value, i), at(by?.units, i), 1) ?? 0.5;
		// percentages place the layer like CSS background-position; pixels are offsets
		const ix = at(bx?.units, i) === 'px' ? x1 + px : x1 + (nw - iw) * px;
		const iy = at(by?.units, i) === 'px' ? y1 + py : y1 + (nh - ih) * py;
		out += `<image href="${xmlEscape(href)}" x="${ix.toFixed(1)}" y="${iy.toFixed(1)}" width="${iw.toFixed(1)}" height="${ih.toFixed(1)}" preserveAspectRatio="xMidYMid meet"/>`;
	}
	return out;
}

/** Where a cable leaves its nodes: as the renderer drew it, or (a core without one) where the straight line leaves each node's box. */
function endpoints(e: cytoscape.EdgeSingular): { s: cytoscape.Position; t: cytoscape.Position } {
	try {
		return { s: e.sourceEndpoint(), t: e.targetEndpoint() };
	} catch {
		const a = e.source().position();
		const b = e.target().position();
		const exit = (n: cytoscape.NodeSingular, from: cytoscape.Position, to: cytoscape.Position) => {
			const dx = to.x - from.x;
			const dy = to.y - from.y;
			const k = Math.min(dx ? n.width() / 2 / Math.abs(dx) : Infinity, dy ? n.height() / 2 / Math.abs(dy) : Infinity, 1);
			return { x: from.x + dx * k, y: from.y + dy * k };
		};
		return { s: exit(e.source(), a, b), t: exit(e.target(), b, a) };
	}
}

/** The whole diagram (not just the viewport), in model coordinates. */
export async function canvasSvg(cy: cytoscape.Core, opts: { bg: string; font?: string }): Promise<string> {
	const font = opts.font ?? 'Inter, "Segoe UI", system-ui, sans-serif';
	const visible = cy.elements(':visible');
	const bb = visible.boundingBox({ includeLabels: true, includeOverlays: false });
	const pad = 20;
	const x0 = (Number.isFinite(bb.x1) ? bb.x1 : 0) - pad;
	const y0 = (Number.isFinite(bb.y1) ? bb.y1 : 0) - pad;
	const w = (Number.isFinite(bb.w) ? bb.w : 0) + 2 * pad;
	const h = (Number.isFinite(bb.h) ? bb.h : 0) + 2 * pad;
	const cache = new Map<string, Promise<string | null>>();
	const parts: string[] = [];

	// hypervisor boxes first (compound parents, outermost first), then edges, then nodes
	const parents = cy.nodes(':parent:visible').sort((a, b) => a.ancestors().length - b.ancestors().length);
	for (const n of parents.toArray() as cytoscape.NodeSingular[]) {
		const b = n.boundingBox({ includeLabels: false, includeOverlays: false });
		const bw = num(n, 'border-width', 0);
		const dash = str(n, 'border-style') === 'dashed' ? ' stroke-dasharray="6 4"' : '';
		parts.push(
			`<rect x="${b.x1.toFixed(1)}" y="${b.y1.toFixed(1)}" width="${b.w.toFixed(1)}" height="${b.h.toFixed(1)}" rx="8" fill="${color(n, 'background-color', '#312e81')}" fill-opacity="${num(n, 'background-opacity', 0.35)}" stroke="${color(n, 'border-color', '#6366f1')}" stroke-width="${bw}"${dash} opacity="${num(n, 'opacity', 1)}"/>`
		);
		// its icon and badges, in the corners of the box
		parts.push(await layerImages(n, b.x1, b.y1, b.w, b.h, cache));
		const label = str(n, 'label');
		if (label) parts.push(textLines((b.x1 + b.x2) / 2, b.y1 - 6, label, { size: num(n, 'font-size', 11), fill: color(n, 'color', '#e2e8f0'), weight: str(n, 'font-weight', 'bold'), anchor: 'middle' }));
	}

	cy.edges(':visible').forEach((e) => {
		const { s, t } = endpoints(e);
		if (![s.x, s.y, t.x, t.y].every(Number.isFinite)) return;
		const stroke = color(e, 'line-color', '#64748b');
		const width = num(e, 'width', 2);
		const style = str(e, 'line-style');
		const dash = style === 'dashed' ? ` stroke-dasharray="${(ps(e, 'line-dash-pattern')?.value as number[] | undefined)?.join(' ') ?? '6 4'}"` : style === 'dotted' ? ' stroke-dasharray="1 4"' : '';
		let d = `M${s.x.toFixed(1)},${s.y.toFixed(1)} `;
		const curve = str(e, 'curve-style');
		let cps: cytoscape.Position[] | undefined;
		try {
			cps = curve === 'segments' || curve === 'taxi' ? e.segmentPoints() : e.controlPoints();
		} catch {
			cps = undefined;
		}
		if (cps?.length && (curve === 'segments' || curve === 'taxi')) d += cps.map((p) => `L${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ') + ' ';
		else if (cps?.length === 1) d += `Q${cps[0].x.toFixed(1)},${cps[0].y.toFixed(1)} `;
		else if (cps && cps.length > 1) d += cps.map((p) => `L${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ') + ' ';
		d += `${cps?.length === 1 ? '' : 'L'}${t.x.toFixed(1)},${t.y.toFixed(1)}`;
		parts.push(`<path d="${d}" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linecap="round"${dash} opacity="${num(e, 'opacity', 1)}"/>`);

		const size = num(e, 'font-size', 10);
		const fill = color(e, 'color', '#cbd5e1');
		const bg = color(e, 'text-background-color', opts.bg);
		const len = Math.hypot(t.x - s.x, t.y - s.y) || 1;
		const ux = (t.x - s.x) / len;
		const uy = (t.y - s.y) / len;
		const end = (label: string, p: cytoscape.Position, sign: number, offset: number) => {
			if (!label) return;
			parts.push(textLines(p.x + sign * ux * offset, p.y + sign * uy * offset + size / 3, label, { size, fill, weight: 'normal', anchor: 'middle', bg }));
		};
		end(str(e, 'source-label'), s, 1, num(e, 'source-text-offset', 24));
		end(str(e, 'target-label'), t, -1, num(e, 'target-text-offset', 24));
		const mid = str(e, 'label');
		if (mid) {
			// the canvas slides a mid label along its cable (text margins) clear of the other labels
			const m = { x: (s.x + t.x) / 2, y: (s.y + t.y) / 2 };
			const mx = num(e, 'text-margin-x', 0);
			const my = num(e, 'text-margin-y', 0);
			parts.push(textLines(m.x + mx, m.y + my + size / 3, mid, { size, fill, weight: 'normal', anchor: 'middle', bg }));
		}
	});

	const leaves = cy.nodes(':childless:visible').toArray();
	for (const n of leaves) {
		const p = n.position();
		const nw = n.width();
		const nh = n.height();
		if (nw <= 1 && nh <= 1) continue; // helper nodes (edge anchors)
		const opacity = num(n, 'opacity', 1);
		const x1 = p.x - nw / 2;
		const y1 = p.y - nh / 2;
		let g = `<g opacity="${opacity}">`;
		if (num(n, 'background-opacity', 0) > 0) {
			g += `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${nw.toFixed(1)}" height="${nh.toFixed(1)}" rx="${Math.min(8, nh / 2).toFixed(1)}" fill="${color(n, 'background-color', '#1e293b')}" fill-opacity="${num(n, 'background-opacity', 1)}"/>`;
		}
		g += await layerImages(n, x1, y1, nw, nh, cache);
		if (num(n, 'border-width', 0) > 0) {
			g += `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${nw.toFixed(1)}" height="${nh.toFixed(1)}" rx="6" fill="none" stroke="${color(n, 'border-color', '#38bdf8')}" stroke-width="${num(n, 'border-width', 1)}"/>`;
		}
		const label = str(n, 'label');
		if (label) {
			const size = num(n, 'font-size', 11);
			const valign = str(n, 'text-valign', 'bottom');
			const margin = num(n, 'text-margin-y', 0);
			const y = valign === 'center' ? p.y + size / 3 : valign === 'top' ? y1 + margin - (label.split('\n').length - 1) * size * 1.3 - 2 : y1 + nh + margin + size;
			const bgOpacity = num(n, 'text-background-opacity', 0);
			g += textLines(p.x, y, label, { size, fill: color(n, 'color', '#e2e8f0'), weight: str(n, 'font-weight', 'normal'), anchor: 'middle', bg: bgOpacity > 0 ? color(n, 'text-background-color', opts.bg) : undefined });
		}
		parts.push(g + '</g>');
	}

	return (
		`<?xml version="1.0" encoding="UTF-8"?>\n` +
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="${x0.toFixed(1)} ${y0.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)}" width="${Math.ceil(w)}" height="${Math.ceil(h)}" font-family="${xmlEscape(font)}">\n` +
		`<rect x="${x0.toFixed(1)}" y="${y0.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" fill="${opts.bg}"/>\n` +
		parts.join('\n') +
		'\n</svg>\n'
	);
}

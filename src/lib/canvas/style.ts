/** The canvas look: one cytoscape stylesheet, icons from static/icons/<kind>.svg. */
import type { EdgeSingular, NodeSingular, StylesheetJson } from 'cytoscape';
import { KINDS } from '../model/types';

/** The canvas palette: read from the page's --canvas-* custom properties (the light or dark set). */
export interface CanvasColors {
	bg: string;
	grid: string;
	text: string;
	muted: string;
	link: string;
	trunk: string;
	down: string;
	manages: string;
	accent: string;
	hypervisorFill: string;
	hypervisorBorder: string;
	segmentFill: string;
	segmentBorder: string;
	engineFill: string;
	segNat: string;
	segBridged: string;
	segHostOnly: string;
	segInternal: string;
}

/** The dark set: what a page without the custom properties (a test, a server render) gets. */
export const COLORS: CanvasColors = {
	bg: '#0b1220',
	grid: 'rgba(148, 163, 184, 0.14)',
	text: '#e2e8f0',
	muted: '#94a3b8',
	link: '#64748b',
	trunk: '#94a3b8',
	down: '#f87171',
	manages: '#f472b6',
	accent: '#38bdf8',
	hypervisorFill: '#312e81',
	hypervisorBorder: '#6366f1',
	segmentFill: '#1e293b',
	segmentBorder: '#475569',
	engineFill: '#0c2a3a',
	segNat: '#7dd3fc',
	segBridged: '#86efac',
	segHostOnly: '#d8b4fe',
	segInternal: '#fcd34d'
};

/** custom property of each canvas colour (the ones not listed stay as in COLORS in both schemes) */
const VARS: Partial<Record<keyof CanvasColors, string>> = {
	bg: '--canvas-bg',
	grid: '--canvas-grid',
	text: '--canvas-text',
	muted: '--canvas-muted',
	link: '--canvas-link',
	trunk: '--canvas-trunk',
	accent: '--canvas-accent',
	hypervisorFill: '--canvas-hypervisor-fill',
	hypervisorBorder: '--canvas-hypervisor-border',
	segmentFill: '--canvas-segment-fill',
	segmentBorder: '--canvas-segment-border',
	engineFill: '--canvas-engine-fill',
	segNat: '--canvas-seg-nat',
	segBridged: '--canvas-seg-bridged',
	segHostOnly: '--canvas-seg-host-only',
	segInternal: '--canvas-seg-internal'
};

/** A colour custom property's value as the page's stylesheet sets it now, for drawing on a <canvas>. */
export function cssColor(name: string, fallback: string, root: Element = document.documentElement): string {
	return getComputedStyle(root).getPropertyValue(name).trim() || fallback;
}

/** The colours the page's stylesheet gives the canvas now (cytoscape needs values, not var()). */
export function canvasColors(root: Element = document.documentElement): CanvasColors {
	const out = { ...COLORS };
	for (const [key, name] of Object.entries(VARS) as [keyof CanvasColors, string][]) out[key] = cssColor(name, COLORS[key], root);
	return out;
}


const FONT = 'Inter, "Segoe UI", system-ui, -apple-system, sans-serif';

function svgUrl(svg: string): string {
	return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

/** Small images drawn over a node's icon: a problem marker (top right), an attachment pill (bottom). */
export const BADGES = {
	error: svgUrl(
		'<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 18 18"><circle cx="9" cy="9" r="8" fill="#ef4444" stroke="#0b1220" stroke-width="1.5"/><rect x="8" y="4" width="2" height="6.5" rx="1" fill="#fff"/><circle cx="9" cy="13.2" r="1.2" fill="#fff"/></svg>'
	),
	warning: svgUrl(
		'<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="0 0 18 18"><path d="M9 1.5 17 16H1z" fill="#f59e0b" stroke="#0b1220" stroke-width="1.3" stroke-linejoin="round"/><rect x="8.1" y="6" width="1.8" height="5.2" rx=".9" fill="#1f2937"/><circle cx="9" cy="13.3" r="1.1" fill="#1f2937"/></svg>'
	)
};

const ATTACH_TEXT: Record<string, [string, string]> = {
	nat: ['NAT', '#0ea5e9'],
	bridged: ['BRIDGED', '#22c55e'],
	'host-only': ['HOST-ONLY', '#a855f7'],
	internal: ['INTERNAL', '#f59e0b'],
	// product modes (presets.md), short enough for the guest's box
	'nat-network': ['NAT NET', '#0ea5e9'],
	'default-switch': ['DEFAULT', '#0ea5e9'],
	bridge: ['BRIDGE', '#0ea5e9'],
	network: ['NETWORK', '#0ea5e9'],
	isolated: ['ISOLATED', '#a855f7'],
	custom: ['CUSTOM', '#f59e0b'],
	private: ['PRIVATE', '#f59e0b'],
	external: ['EXTERNAL', '#22c55e'],
	macvlan: ['MACVLAN', '#22c55e'],
	macvtap: ['MACVTAP', '#22c55e'],
	portgroup: ['PORTGRP', '#22c55e'],
	host: ['HOST NET', '#64748b'],
	none: ['NONE', '#64748b']
};
const attachBadge = new Map<string, string>();
function attachImage(mode: string): string {
	let url = attachBadge.get(mode);
	if (!url) {
		const [text, color] = ATTACH_TEXT[mode] ?? [mode.toUpperCase(), '#64748b'];
		const w = 10 + text.length * 6.2;
		url = svgUrl(
			`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="14" viewBox="0 0 ${w} 14"><rect x=".5" y=".5" width="${w - 1}" height="13" rx="6.5" fill="${color}" stroke="#0b1220"/><text x="${w / 2}" y="10.2" font-family="Arial, Helvetica, sans-serif" font-size="9" font-weight="700" fill="#fff" text-anchor="middle">${text}</text></svg>`
		);
		attachBadge.set(mode, url);
	}
	return url;
}
function attachWidth(mode: string): number {
	const [text] = ATTACH_TEXT[mode] ?? [mode.toUpperCase()];
	return 10 + text.length * 6.2;
}

/**
 * Background layers of a node: its icon, then badges, all inside the node's
 * box (cytoscape clips images to it). A guest with an attachment is a taller
 * box: the icon on top, the attachment pill under it.
 */
function layers(n: NodeSingular, iconUrl: (kind: string) => string, box = false) {
	const problem = n.data('problem') as string | undefined;
	const attach = box ? undefined : (n.data('attach') as string | undefined);
	const images = [iconUrl(n.data('kind'))];
	// a hypervisor drawn as a box round its guests: its icon in the top left corner, the badge in the top right
	const xs = [box ? '4px' : '50%'];
	const ys = [box ? '4px' : attach ? '0%' : '50%'];
	const ws = [box ? '20px' : attach ? '48px' : '100%'];
	const hs = [box ? '20px' : attach ? '48px' : '100%'];
	if (attach) {
		images.push(attachImage(attach));
		xs.push('50%');
		ys.push('100%');
		ws.push(`${attachWidth(attach)}px`);
		hs.push('14px');
	}
	if (problem) {
		images.push(BADGES[problem as 'error' | 'warning']);
		xs.push('100%');
		ys.push('0%');
		ws.push('18px');
		hs.push('18px');
	}
	return { images, xs, ys, ws, hs };
}

export function canvasStyle(iconUrl: (kind: string) => string, colors: CanvasColors = COLORS): StylesheetJson {
	const style: StylesheetJson = [
		{
			selector: 'node',
			style: {
				shape: 'round-rectangle',
				width: 48,
				height: 48,
				'background-opacity': 0,
				'background-fit': 'contain',
				'background-clip': 'none',
				'border-width': 0,
				label: 'data(caption)',
				color: colors.text,
				'font-family': FONT,
				'font-size': 11,
				'line-height': 1.3,
				'text-valign': 'bottom',
				'text-halign': 'center',
				'text-margin-y': 6,
				'text-wrap': 'wrap',
				'text-max-width': '150px',
				'text-background-color': colors.bg,
				'text-background-opacity': 0.92,
				'text-background-padding': '2px',
				'text-background-shape': 'roundrectangle',
				'overlay-opacity': 0
			}
		}
	];
	for (const kind of KINDS) {
		style.push({ selector: `node[kind = "${kind}"]`, style: { 'background-image': iconUrl(kind) } });
	}
	// badges: the icon plus more background layers (drawn by the canvas renderer: cheap at 2,000 nodes)
	style.push({ selector: 'node[attach]', style: { height: 66, width: 60 } });
	style.push({
		selector: 'node[problem], node[attach]',
		style: {
			'background-image': ((n: NodeSingular) => layers(n, iconUrl).images) as unknown as string,
			'background-position-x': ((n: NodeSingular) => layers(n, iconUrl).xs) as unknown as string,
			'background-position-y': ((n: NodeSingular) => layers(n, iconUrl).ys) as unknown as string,
			'background-width': ((n: NodeSingular) => layers(n, iconUrl).ws) as unknown as string,
			'background-height': ((n: NodeSingular) => layers(n, iconUrl).hs) as unknown as string,
			'background-clip': 'none',
			'background-image-containment': 'over',
			'background-fit': 'none'
		}
	});
	style.push(
		{
			// a hypervisor with guests: a box around them, its icon in the corner
			selector: 'node:parent',
			style: {
				shape: 'round-rectangle',
				'background-color': colors.hypervisorFill,
				'background-opacity': 0.35,
				'border-width': 1.5,
				'border-color': colors.hypervisorBorder,
				'border-style': 'dashed',
				// the icon (and a badge) fit in the padding: they never reach a guest
				padding: '28px',
				'background-fit': 'none',
				'background-width': '20px',
				'background-height': '20px',
				'background-position-x': '4px',
				'background-position-y': '4px',
				'text-valign': 'top',
				'text-halign': 'center',
				'text-margin-y': -6,
				'font-weight': 'bold'
			}
		},
		{
			// every layer placed (a layer without a position would be drawn in the middle of the box, over a guest)
			selector: 'node:parent[problem]',
			style: {
				'background-image': ((n: NodeSingular) => layers(n, iconUrl, true).images) as unknown as string,
				'background-position-x': ((n: NodeSingular) => layers(n, iconUrl, true).xs) as unknown as string,
				'background-position-y': ((n: NodeSingular) => layers(n, iconUrl, true).ys) as unknown as string,
				'background-width': ((n: NodeSingular) => layers(n, iconUrl, true).ws) as unknown as string,
				'background-height': ((n: NodeSingular) => layers(n, iconUrl, true).hs) as unknown as string
			}
		},
		{
			selector: 'node:selected',
			style: {
				'border-width': 3,
				'border-color': colors.accent,
				'border-style': 'solid',
				'border-opacity': 1,
				color: colors.accent
			}
		},
		{
			selector: 'edge',
			style: {
				width: 2,
				'line-color': colors.link,
				'curve-style': 'bezier',
				'font-family': FONT,
				'font-size': 9,
				color: colors.muted,
				'source-label': 'data(sourceLabel)',
				'target-label': 'data(targetLabel)',
				'source-text-offset': 34,
				'target-text-offset': 34,
				'text-background-color': colors.bg,
				'text-background-opacity': 0.9,
				'text-background-padding': '2px',
				'text-background-shape': 'roundrectangle',
				// level of detail: zoomed out, cable text too small to read is not drawn
				'min-zoomed-font-size': 6,
				'overlay-opacity': 0
			}
		},
		{
			// where cable-labels.ts put the labels so that none covers another (labels without room are left out)
			selector: 'edge[sOff]',
			style: {
				'source-text-offset': (e: EdgeSingular) => e.data('sOff') as number,
				'target-text-offset': (e: EdgeSingular) => e.data('tOff') as number
			}
		},
		{ selector: 'edge[?sHide]', style: { 'source-label': '' } },
		{ selector: 'edge[?tHide]', style: { 'target-label': '' } },
		{
			selector: 'edge.down',
			style: {
				'line-style': 'dashed',
				'line-dash-pattern': [6, 4],
				'line-color': colors.down,
				'line-opacity': 0.85
			}
		},
		{
			selector: 'edge.manages',
			style: {
				width: 1.5,
				'line-style': 'dashed',
				'line-dash-pattern': [3, 4],
				'line-color': colors.manages,
				'line-opacity': 0.7,
				'target-arrow-shape': 'triangle',
				'target-arrow-color': colors.manages,
				'arrow-scale': 0.8,
				'source-label': '',
				'target-label': ''
			}
		},
		{
			// access cables take their VLAN's colour; trunks are thicker and say what they carry
			selector: 'edge[vlanColor]',
			style: { 'line-color': (e: EdgeSingular) => e.data('vlanColor') as string }
		},
		{
			// level, on the cable (its background hides the line behind it), slid along it clear of other labels
			selector: 'edge[vlanLabel]',
			style: {
				label: 'data(vlanLabel)',
				'font-size': 9,
				color: colors.text,
				'text-margin-x': (e: EdgeSingular) => (e.data('mx') as number | undefined) ?? 0,
				'text-margin-y': (e: EdgeSingular) => (e.data('my') as number | undefined) ?? 0
			}
		},
		{ selector: 'edge[vlanLabel][?midHide]', style: { label: '' } },
		{
			selector: 'edge[?trunk]',
			style: { width: 4, 'line-color': colors.trunk, 'line-style': 'solid' }
		},
		{
			selector: 'edge[problem = "warning"]',
			style: { 'line-color': '#f59e0b', 'line-style': 'dashed', 'line-dash-pattern': [8, 3] }
		},
		{
			selector: 'edge[problem = "error"]',
			style: { 'line-color': '#ef4444', 'line-style': 'dashed', 'line-dash-pattern': [8, 3] }
		},
		{
			// a hypervisor's NAT / host-only / internal / bridged segment
			selector: 'node.segment',
			style: {
				shape: 'round-rectangle',
				width: (n: NodeSingular) => String(n.data('label') ?? '').length * 5.6 + 14,
				height: 18,
				'background-color': colors.segmentFill,
				'background-opacity': 1,
				'background-image': 'none',
				'border-width': 1,
				'border-color': colors.segmentBorder,
				label: 'data(label)',
				'font-size': 10,
				'text-valign': 'center',
				'text-halign': 'center',
				'text-margin-y': 0,
				'text-max-width': '400px',
				'text-background-opacity': 0,
				color: colors.muted,
				events: 'no'
			}
		},
		{ selector: 'node.segment.nat', style: { 'border-color': '#0ea5e9', color: colors.segNat } },
		{ selector: 'node.segment.bridged', style: { 'border-color': '#22c55e', color: colors.segBridged } },
		{ selector: 'node.segment.host-only', style: { 'border-color': '#a855f7', color: colors.segHostOnly } },
		{ selector: 'node.segment.internal', style: { 'border-color': '#f59e0b', color: colors.segInternal } },
		{
			// a product's per-interface user-mode NAT engine (VirtualBox, QEMU): a small private router
			selector: 'node.segment.engine',
			style: { shape: 'round-hexagon', 'border-width': 2, 'border-style': 'double', 'background-color': colors.engineFill, width: (n: NodeSingular) => String(n.data('label') ?? '').length * 5.6 + 26 }
		},
		{
			selector: 'edge.attach',
			style: {
				width: 1.2,
				'line-style': 'dotted',
				'line-color': colors.link,
				'source-label': '',
				'target-label': '',
				'curve-style': 'straight',
				events: 'no'
			}
		},
		{ selector: 'edge.attach.nat', style: { 'line-color': '#0ea5e9' } },
		{ selector: 'edge.attach.bridged', style: { 'line-color': '#22c55e' } },
		{ selector: 'edge.attach.host-only', style: { 'line-color': '#a855f7' } },
		{ selector: 'edge.attach.internal', style: { 'line-color': '#f59e0b' } },
		{
			selector: 'edge:selected',
			style: { width: 3.5, 'line-color': colors.accent, color: colors.accent, 'target-arrow-color': colors.accent }
		},
		{
			// the VLAN filter: everything outside the chosen VLAN fades
			selector: '.faded',
			style: { opacity: 0.15 }
		},
		{
			selector: '.found',
			style: { 'border-width': 3, 'border-color': '#facc15', 'border-style': 'solid', 'border-opacity': 1 }
		},
		{
			// the cable being drawn while wiring
			selector: '.ghost',
			style: { width: 1, height: 1, 'background-opacity': 0, 'background-image': 'none', label: '', events: 'no' }
		},
		{
			selector: 'edge.ghost',
			style: { width: 2.5, 'line-color': colors.accent, 'line-style': 'dashed', 'source-label': '', 'target-label': '', 'curve-style': 'straight' }
		},
		{
			selector: 'node.drop-target',
			style: { 'border-width': 3, 'border-color': colors.accent, 'border-style': 'solid', 'background-opacity': 0.5 }
		},
		{
			selector: 'node.wire-target',
			style: { 'border-width': 3, 'border-color': colors.accent, 'border-style': 'solid', 'border-opacity': 1 }
		}
	);
	return style;
}

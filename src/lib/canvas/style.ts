/** The canvas look: one cytoscape stylesheet, icons from static/icons/<kind>.svg. */
import type { EdgeSingular, StylesheetJson } from 'cytoscape';
import { KINDS } from '../model/types';

export const COLORS = {
	bg: '#0b1220',
	text: '#e2e8f0',
	muted: '#94a3b8',
	link: '#64748b',
	down: '#f87171',
	manages: '#f472b6',
	accent: '#38bdf8',
	hypervisorFill: '#312e81',
	hypervisorBorder: '#6366f1'
};

const FONT = 'Inter, "Segoe UI", system-ui, -apple-system, sans-serif';

export function canvasStyle(iconUrl: (kind: string) => string): StylesheetJson {
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
				color: COLORS.text,
				'font-family': FONT,
				'font-size': 11,
				'line-height': 1.3,
				'text-valign': 'bottom',
				'text-halign': 'center',
				'text-margin-y': 6,
				'text-wrap': 'wrap',
				'text-max-width': '150px',
				'text-background-color': COLORS.bg,
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
	style.push(
		{
			// a hypervisor with guests: a box around them, its icon in the corner
			selector: 'node:parent',
			style: {
				shape: 'round-rectangle',
				'background-color': COLORS.hypervisorFill,
				'background-opacity': 0.35,
				'border-width': 1.5,
				'border-color': COLORS.hypervisorBorder,
				'border-style': 'dashed',
				padding: '28px',
				'background-fit': 'none',
				'background-width': '24px',
				'background-height': '24px',
				'background-position-x': '8px',
				'background-position-y': '8px',
				'text-valign': 'top',
				'text-halign': 'center',
				'text-margin-y': -6,
				'font-weight': 'bold'
			}
		},
		{
			selector: 'node:selected',
			style: {
				'border-width': 3,
				'border-color': COLORS.accent,
				'border-style': 'solid',
				'border-opacity': 1,
				color: COLORS.accent
			}
		},
		{
			selector: 'edge',
			style: {
				width: 2,
				'line-color': COLORS.link,
				'curve-style': 'bezier',
				'font-family': FONT,
				'font-size': 9,
				color: COLORS.muted,
				'source-label': 'data(sourceLabel)',
				'target-label': 'data(targetLabel)',
				'source-text-offset': 34,
				'target-text-offset': 34,
				'text-background-color': COLORS.bg,
				'text-background-opacity': 0.9,
				'text-background-padding': '2px',
				'text-background-shape': 'roundrectangle',
				'overlay-opacity': 0
			}
		},
		{
			selector: 'edge[sOff]',
			style: {
				'source-text-offset': (e: EdgeSingular) => e.data('sOff') as number,
				'target-text-offset': (e: EdgeSingular) => e.data('tOff') as number
			}
		},
		{
			selector: 'edge.down',
			style: {
				'line-style': 'dashed',
				'line-dash-pattern': [6, 4],
				'line-color': COLORS.down,
				'line-opacity': 0.85
			}
		},
		{
			selector: 'edge.manages',
			style: {
				width: 1.5,
				'line-style': 'dashed',
				'line-dash-pattern': [3, 4],
				'line-color': COLORS.manages,
				'line-opacity': 0.7,
				'target-arrow-shape': 'triangle',
				'target-arrow-color': COLORS.manages,
				'arrow-scale': 0.8,
				'source-label': '',
				'target-label': ''
			}
		},
		{
			selector: 'edge:selected',
			style: { width: 3.5, 'line-color': COLORS.accent, color: COLORS.accent, 'target-arrow-color': COLORS.accent }
		}
	);
	return style;
}

/**
 * The one VLAN palette: the canvas, its legend and every export (SVG, DOT,
 * Mermaid) colour a VLAN with `vlanColor`. Okabe–Ito's seven colours (safe
 * for the common colour-vision deficiencies) plus four of Paul Tol's muted
 * set. A VLAN takes the entry `id mod 11`: 11 is prime, so ids 1, 10 or 100
 * apart never share a colour and land on neighbouring entries, and the
 * entries are ordered so that neighbours differ most, for normal vision and
 * as protanopes and deuteranopes see them (test/unit/vlan-colors.test.ts
 * measures it).
 */

export const VLAN_PALETTE = ['#CC79A7', '#D55E00', '#CC6677', '#E69F00', '#009E73', '#56B4E9', '#8C6BB1', '#F0E442', '#44AA99', '#0072B2', '#999933'] as const;

/** VLAN 1, the default, is drawn as a plain cable. */
export const DEFAULT_VLAN_COLOR = '#64748b';

export function vlanColor(vlan: number): string {
	if (vlan === 1) return DEFAULT_VLAN_COLOR;
	const n = VLAN_PALETTE.length;
	return VLAN_PALETTE[((Math.round(vlan) % n) + n) % n];
}

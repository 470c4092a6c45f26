/**
 * The canvas's view: fitting (never blowing small networks up), focusing,
 * and the spot for a node placed by click.
 */
import type cytoscape from 'cytoscape';
import type { Point } from './canvas-ops';
import { freeSpot as placeFree } from './placement';

const MAX_FIT_ZOOM = 1.4;
const MAX_SELECTION_ZOOM = 2;

export interface View {
	zoom: number;
	x: number;
	y: number;
}

export function viewOf(c: cytoscape.Core): View {
	const p = c.pan();
	return { zoom: c.zoom(), x: p.x, y: p.y };
}

/** Nobody has panned or zoomed since the view was `fitted`. */
export function untouched(c: cytoscape.Core, fitted: View | null): boolean {
	if (!fitted) return false;
	const v = viewOf(c);
	return Math.abs(v.zoom - fitted.zoom) < 1e-6 && Math.abs(v.x - fitted.x) < 0.5 && Math.abs(v.y - fitted.y) < 0.5;
}

/** Fits the drawing into the view; returns the view it left. */
export function fitAll(c: cytoscape.Core): View {
	c.fit(c.elements(':visible').not('.ghost'), 48);
	if (c.zoom() > MAX_FIT_ZOOM) {
		c.zoom(MAX_FIT_ZOOM);
		c.center();
	}
	return viewOf(c);
}

/** The selection fills the view (a lone node not blown up past reading size); false when nothing is selected. */
export function fitSelected(c: cytoscape.Core): boolean {
	const selected = c.$(':selected');
	if (selected.empty()) return false;
	c.fit(selected, 80);
	if (c.zoom() > MAX_SELECTION_ZOOM) {
		c.zoom(MAX_SELECTION_ZOOM);
		c.center(selected);
	}
	return true;
}

/** Centres the view on these nodes and marks them for a moment. */
export function focusOn(c: cytoscape.Core, ids: string[]) {
	c.$('.found').removeClass('found');
	let eles = c.collection();
	for (const id of ids) eles = eles.union(c.getElementById(id));
	if (eles.empty()) return;
	eles.addClass('found');
	const zoom = Math.max(c.zoom(), eles.length === 1 ? 1 : c.zoom());
	c.animate({ fit: eles.length > 1 ? { eles, padding: 80 } : undefined, center: eles.length === 1 ? { eles } : undefined, zoom: eles.length === 1 ? zoom : undefined }, { duration: 250 });
	setTimeout(() => !c.destroyed() && c.$('.found').removeClass('found'), 2500);
}

/** The middle of the view, at the first spot clear of every node, label and hypervisor box. */
export function freeSpotIn(c: cytoscape.Core): Point {
	const ext = c.extent();
	const boxes = c
		.nodes()
		.filter((n) => !n.id().startsWith('__'))
		.map((n) => n.boundingBox({ includeLabels: true, includeOverlays: false }));
	return placeFree({ x: (ext.x1 + ext.x2) / 2, y: (ext.y1 + ext.y2) / 2 }, boxes);
}

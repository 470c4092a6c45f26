/**
 * Dragging nodes: the drop-target highlight while a guest is dragged, and on
 * release either a re-parenting (a guest into / out of a hypervisor) or the
 * moves of the released nodes.
 */
import type cytoscape from 'cytoscape';
import { isGuestKind } from '../model/kinds';
import { hypervisorAt, leftParent, type Point } from './canvas-ops';

export interface MoveHandlers {
	/** the canvas may edit */
	editable: () => boolean;
	onhost?: (id: string, host: string | null, at: Point) => void;
	onmove?: (moves: { id: string; x: number; y: number }[]) => void;
}

export function bindMoves(c: cytoscape.Core, h: MoveHandlers) {
	// nodes released together (a dragged selection) are reported as one move
	let released = new Set<string>();
	let releaseQueued = false;

	function flushReleased() {
		releaseQueued = false;
		const ids = released;
		released = new Set();
		if (!h.editable()) return;
		let nodes = c.collection();
		for (const id of ids) nodes = nodes.union(c.getElementById(id));
		// a single guest dropped into / out of a hypervisor (a pod stays on its Kubernetes node)
		if (nodes.length === 1 && isGuestKind(nodes[0].data('kind')) && !nodes[0].hasClass('pod')) {
			const n = nodes[0] as cytoscape.NodeSingular;
			const p = { ...n.position() };
			const target = hypervisorAt(c, p, n.parent().nonempty() ? n.parent()[0] : n);
			c.nodes('.drop-target').removeClass('drop-target');
			const current = (n.data('parent') as string | undefined) ?? null;
			if (target && target.id() !== current) return h.onhost?.(n.id(), target.id(), p);
			if (current && !target && leftParent(n)) return h.onhost?.(n.id(), null, p);
		}
		c.nodes('.drop-target').removeClass('drop-target');
		const moves: { id: string; x: number; y: number }[] = [];
		const leaves = nodes.union(nodes.nodes().descendants()).nodes().filter((n: cytoscape.NodeSingular) => !n.isParent() && !n.data('segment'));
		leaves.forEach((n: cytoscape.NodeSingular) => {
			const p = n.position();
			const x = Math.round(p.x);
			const y = Math.round(p.y);
			if (n.data('filePos') !== `${x},${y}`) moves.push({ id: n.id(), x, y });
		});
		if (moves.length) h.onmove?.(moves);
	}

	c.on('free', 'node', (e) => {
		const n = e.target as cytoscape.NodeSingular;
		if (n.data('segment') || n.hasClass('ghost')) return;
		released.add(n.id());
		if (!releaseQueued) {
			releaseQueued = true;
			queueMicrotask(flushReleased);
		}
	});
	c.on('drag', 'node', (e) => {
		const n = e.target as cytoscape.NodeSingular;
		if (!isGuestKind(n.data('kind')) || n.hasClass('pod')) return;
		const target = hypervisorAt(c, n.position(), n.parent().nonempty() ? n.parent()[0] : n);
		const current = c.nodes('.drop-target');
		if (target && target.id() !== n.data('parent')) {
			if (!current.same(target)) {
				current.removeClass('drop-target');
				target.addClass('drop-target');
			}
		} else if (current.nonempty()) current.removeClass('drop-target');
	});
}

/**
 * The connect tool: press on a node, drag a ghost cable, release over another
 * node to ask for a link between the two.
 */
import type cytoscape from 'cytoscape';

function wireable(n: cytoscape.NodeSingular): boolean {
	return !n.data('segment') && !n.hasClass('ghost');
}

/** Binds the connect tool's events; `active` says whether the tool is on and the canvas editable. */
export function bindWiring(c: cytoscape.Core, active: () => boolean, onconnect: (a: string, b: string) => void) {
	let from: cytoscape.NodeSingular | null = null;
	let over: cytoscape.NodeSingular | null = null;

	c.on('tapstart', 'node', (e) => {
		if (!active()) return;
		const n = e.target as cytoscape.NodeSingular;
		if (!wireable(n)) return;
		from = n;
		c.add([
			{ group: 'nodes', data: { id: '__ghost' }, position: e.position, classes: 'ghost', selectable: false, grabbable: false },
			{ group: 'edges', data: { id: '__ghost_edge', source: n.id(), target: '__ghost' }, classes: 'ghost', selectable: false }
		]);
	});
	c.on('tapdrag', (e) => {
		if (!from) return;
		c.getElementById('__ghost').position(e.position);
	});
	c.on('tapdragover', 'node', (e) => {
		if (!from) return;
		const n = e.target as cytoscape.NodeSingular;
		if (!wireable(n) || n.same(from)) return;
		c.$('.wire-target').removeClass('wire-target');
		over = n;
		n.addClass('wire-target');
	});
	c.on('tapdragout', 'node', (e) => {
		if (!from || !over || !over.same(e.target)) return;
		over.removeClass('wire-target');
		over = null;
	});
	c.on('tapend', () => {
		if (!from) return;
		const a = from;
		const b = over;
		from = null;
		over = null;
		c.remove(c.$('.ghost'));
		c.$('.wire-target').removeClass('wire-target');
		if (b && !a.same(b)) onconnect(a.id(), b.id());
	});
}

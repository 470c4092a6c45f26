/**
 * Brings cytoscape in line with a new element list by difference: adds what
 * is new, removes what is gone, updates changed data, parents and file
 * positions, in one batch. An edit on a 2,000-node drawing touches a few
 * elements instead of rebuilding them all.
 */
import type cytoscape from 'cytoscape';
import type { ElementDefinition } from 'cytoscape';
import { PLACEMENT_KEYS } from './label-layout';

export interface SyncResult {
	added: cytoscape.CollectionReturnValue;
	removed: number;
	/** nodes whose file position changed (moved by undo or the YAML view) */
	moved: number;
	movedNodes: cytoscape.CollectionReturnValue;
	changed: number;
	/** elements whose data or classes changed */
	changedElements: cytoscape.CollectionReturnValue;
}

const GHOST = 'ghost';
/** the label placement's data (cable-labels.ts), not the diagram's: kept */
const PLACED = new Set<string>(PLACEMENT_KEYS);

function sameValue(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a === 'object' && typeof b === 'object' && a && b) return JSON.stringify(a) === JSON.stringify(b);
	return false;
}

function updateData(ele: cytoscape.SingularElementReturnValue, def: ElementDefinition): boolean {
	const current = ele.data() as Record<string, unknown>;
	const next = def.data as Record<string, unknown>;
	const patch: Record<string, unknown> = {};
	let changed = false;
	for (const key of Object.keys(next)) {
		if (key === 'parent' || key === 'source' || key === 'target' || key === 'id') continue;
		if (!sameValue(current[key], next[key])) {
			patch[key] = next[key];
			changed = true;
		}
	}
	const stale: string[] = [];
	for (const key of Object.keys(current)) {
		if (key === 'parent' || key === 'source' || key === 'target' || key === 'id' || PLACED.has(key)) continue;
		if (!(key in next)) stale.push(key);
	}
	if (changed) ele.data(patch);
	if (stale.length) {
		ele.removeData(stale.join(' '));
		changed = true;
	}
	const classes = def.classes === undefined ? '' : Array.isArray(def.classes) ? def.classes.join(' ') : def.classes;
	const keep = ele.classes().filter((c) => c === 'faded' || c === 'found' || c === 'drop-target' || c === 'wire-target' || c === 'picked');
	const want = [...classes.split(/\s+/).filter(Boolean), ...keep];
	const have = ele.classes();
	if (want.length !== have.length || want.some((c) => !have.includes(c))) {
		ele.classes(want);
		changed = true;
	}
	return changed;
}

/**
 * `place(def)` gives a position to a new node the file does not place.
 */
export function syncElements(cy: cytoscape.Core, defs: ElementDefinition[], place: (def: ElementDefinition) => { x: number; y: number }): SyncResult {
	const wanted = new Map<string, ElementDefinition>();
	for (const def of defs) wanted.set(def.data.id as string, def);
	let removedCount = 0;
	let moved = 0;
	let changed = 0;
	let added = cy.collection();
	let movedNodes = cy.collection();
	let changedElements = cy.collection();

	cy.batch(() => {
		// gone, or edges whose ends changed (re-added below)
		const gone = cy.elements().filter((e) => {
			if (e.hasClass(GHOST)) return false;
			const def = wanted.get(e.id());
			if (!def) return true;
			if (e.isEdge()) return e.data('source') !== def.data.source || e.data('target') !== def.data.target;
			return false;
		});
		// a removed parent would take its children with it: free them first
		gone.nodes().forEach((n) => {
			n.children().forEach((child) => {
				if (wanted.has(child.id())) child.move({ parent: null });
			});
		});
		removedCount = gone.length;
		cy.remove(gone);

		const newNodes: ElementDefinition[] = [];
		const newEdges: ElementDefinition[] = [];
		for (const def of defs) {
			const id = def.data.id as string;
			const ele = cy.getElementById(id);
			if (ele.empty()) {
				(def.group === 'edges' ? newEdges : newNodes).push(def);
				continue;
			}
			if (def.group === 'nodes') {
				const filePos = def.data.filePos as string | undefined;
				const fileMoved = def.position && filePos !== ele.data('filePos');
				if (updateData(ele, def)) {
					changed++;
					changedElements = changedElements.union(ele);
				}
				const parent = (def.data.parent as string | undefined) ?? null;
				const hasParent = (ele.data('parent') as string | undefined) ?? null;
				if (parent !== hasParent && (parent === null || !cy.getElementById(parent).empty())) {
					ele.move({ parent });
				}
				if (fileMoved) {
					const n = cy.getElementById(id);
					n.position({ ...def.position! });
					movedNodes = movedNodes.union(n);
					moved++;
				}
			} else if (updateData(ele, def)) {
				changed++;
				changedElements = changedElements.union(ele);
			}
		}

		// parents before children
		const parents = new Set(newNodes.map((d) => d.data.parent as string | undefined).filter(Boolean));
		newNodes.sort((a, b) => Number(!parents.has(a.data.id as string)) - Number(!parents.has(b.data.id as string)));
		const nodeDefs = newNodes.map((def) => {
			if (def.position || def.data.segment) return def;
			return { ...def, position: place(def) };
		});
		// a new child of a parent added later in this list: add without the parent, then move
		const toAdd = nodeDefs.map((d) => {
			const p = d.data.parent as string | undefined;
			if (p && cy.getElementById(p).empty() && !nodeDefs.some((o) => o.data.id === p)) {
				return { ...d, data: { ...d.data, parent: undefined } };
			}
			return d;
		});
		if (toAdd.length) added = added.union(cy.add(toAdd));
		const edgeDefs = newEdges.filter((d) => !cy.getElementById(d.data.source as string).empty() && !cy.getElementById(d.data.target as string).empty());
		if (edgeDefs.length) added = added.union(cy.add(edgeDefs));
	});
	return { added, removed: removedCount, moved, movedNodes, changed, changedElements };
}

/**
 * Layout options for the canvas. The force layout (fcose) and the layered one
 * (elk) are loaded on first need: the examples carry positions, so most
 * drawings never use them.
 */
import cytoscape from 'cytoscape';

export type LayoutName = 'fcose' | 'elk' | 'grid';

let fcose: Promise<void> | null = null;
let fcoseReady = false;
let elkRegistered = false;

export function loadFcose(): Promise<void> {
	fcose ??= import('cytoscape-fcose').then(
		(m) => {
			if (!fcoseReady) cytoscape.use(m.default);
			fcoseReady = true;
		},
		(err) => {
			fcose = null;
			throw err;
		}
	);
	return fcose;
}

/** fcose is registered: a drawing can lay out at once */
export function fcoseLoaded(): boolean {
	return fcoseReady;
}

/** The force layout's options; `big` trades quality for time. */
export function fcoseOptions(big: boolean, fixed?: unknown[]): Record<string, unknown> {
	return {
		name: 'fcose',
		animate: false,
		fit: false,
		randomize: true,
		quality: big ? 'default' : 'proof',
		nodeDimensionsIncludeLabels: true,
		idealEdgeLength: 110,
		nodeRepulsion: 30000,
		nodeSeparation: 110,
		gravity: 0.4,
		nestingFactor: 0.6,
		...(fixed ? { fixedNodeConstraint: fixed } : {})
	};
}

/** The options of a layout the user asked for, its code loaded first. */
export async function layoutOptions(name: LayoutName, nodeCount: number): Promise<Record<string, unknown>> {
	if (name === 'elk') {
		const elk = (await import('cytoscape-elk')).default;
		if (!elkRegistered) {
			cytoscape.use(elk);
			elkRegistered = true;
		}
		return {
			name: 'elk',
			animate: false,
			fit: false,
			nodeDimensionsIncludeLabels: true,
			elk: {
				algorithm: 'layered',
				'elk.direction': 'DOWN',
				'elk.layered.spacing.nodeNodeBetweenLayers': 90,
				'elk.spacing.nodeNode': 60,
				'elk.hierarchyHandling': 'INCLUDE_CHILDREN'
			}
		};
	}
	if (name === 'grid') return { name: 'grid', animate: false, fit: false, avoidOverlap: true, nodeDimensionsIncludeLabels: true, spacingFactor: 1.2 };
	await loadFcose();
	return fcoseOptions(nodeCount > 800);
}

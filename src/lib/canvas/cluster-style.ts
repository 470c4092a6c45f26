/** The look of Kubernetes clusters, Services and VXLAN tunnels (cluster-elements.ts): appended to style.ts's sheet once loaded. */
import type { StylesheetJson } from 'cytoscape';

const CYAN = '#22d3ee';
const TUNNEL = '#fbbf24';
// a Service's badge: an "S" on the hexagon (cytoscape draws one label per node: the name and ClusterIP go under it)
const S_BADGE = `data:image/svg+xml;utf8,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><text x="10" y="15" font-family="Inter,system-ui,sans-serif" font-size="14" font-weight="700" text-anchor="middle" fill="#ecfeff">S</text></svg>')}`;

/** `colors`: the canvas palette's (style.ts) colours it uses. */
export function clusterStyle(colors: { text: string; down: string; accent: string }): StylesheetJson {
	return [
		{
			selector: 'node.kube-cluster',
			style: { 'background-color': '#0e7490', 'background-opacity': 0.08, 'border-style': 'solid', 'border-color': CYAN, 'border-width': 1.5, 'background-image': 'none', padding: '34px', label: 'data(label)', color: CYAN, events: 'yes' }
		},
		{ selector: 'node.kube-node:parent', style: { 'background-color': '#164e63', 'border-color': CYAN, 'background-opacity': 0.3 } },
		// after the sheet's own :selected rule, so repeated for what this one restyles
		{ selector: 'node.kube-node:selected', style: { 'border-color': colors.accent, 'border-style': 'solid', 'border-width': 3 } },
		{
			selector: 'node.kube-service',
			style: {
				shape: 'round-hexagon',
				width: 36,
				height: 32,
				'background-color': '#0891b2',
				'background-opacity': 1,
				'background-image': S_BADGE,
				'background-width': '20px',
				'background-height': '20px',
				'background-fit': 'none',
				'border-width': 2,
				'border-color': '#67e8f9',
				label: 'data(label)',
				color: colors.text,
				'font-size': 10
			}
		},
		{ selector: 'node.kube-service.no-endpoints', style: { 'border-color': colors.down, 'border-style': 'dashed', 'background-color': '#7f1d1d' } },
		{ selector: 'node.kube-service.picked', style: { 'border-width': 3, 'border-color': colors.accent, 'border-style': 'solid', color: colors.accent } },
		{
			selector: 'edge.kube-endpoint',
			style: { width: 1.3, 'line-style': 'dashed', 'line-dash-pattern': [4, 4], 'line-color': CYAN, 'line-opacity': 0.75, 'curve-style': 'straight', 'source-label': '', 'target-label': '', events: 'no' }
		},
		{ selector: 'edge.kube-endpoint.not-ready', style: { 'line-color': colors.down, 'line-opacity': 0.5 } },
		// a pod's cable to its own node lies inside the node's box: drawn, it would loop out of the box's corner
		{ selector: 'edge.inner', style: { display: 'none' } },
		{
			selector: 'edge.tunnel',
			style: {
				width: 2.5,
				'line-style': 'dashed',
				'line-dash-pattern': [9, 5],
				'line-color': TUNNEL,
				'line-opacity': 0.9,
				'curve-style': 'unbundled-bezier',
				'control-point-distances': [-60],
				'source-label': '',
				'target-label': '',
				label: 'data(label)',
				'font-size': 9,
				color: '#fde68a',
				events: 'no'
			}
		}
	];
}

// Local typings for cytoscape extensions that ship none.
declare module 'cytoscape-fcose' {
	import type cytoscape from 'cytoscape';
	const fcose: cytoscape.Ext;
	export default fcose;
}

declare module 'cytoscape-elk' {
	import type cytoscape from 'cytoscape';
	const elk: cytoscape.Ext;
	export default elk;
}

/** What is selected in a design: its nodes and cables. Shared by the editor and the canvas (which may import only the model). */
export interface Selection {
	nodes: string[];
	/** link indices into topology.links */
	links: number[];
	/** a focused sub-path of the one selected element ("rules[3]", "interfaces.eth0"), from reveal */
	focus?: string;
}

export const EMPTY_SELECTION: Selection = { nodes: [], links: [] };

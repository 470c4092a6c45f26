/**
 * Parts of the canvas that only some designs need, loaded on first need so
 * they stay off the first-draw path: the Kubernetes / tunnel elements and
 * their style (cluster-elements.ts), a product hypervisor's segments (they
 * need the resolver: product-segments.ts), and the overlay segment bands.
 */
import type { Core } from 'cytoscape';
import type { Topology } from '../model/types';
import type * as ClusterModule from './cluster-elements';
import type * as ProductModule from './product-segments';
import type { SegmentBands } from './overlay-bands';

export class CanvasParts {
	/** cluster-elements.ts once it has arrived (reactive: the drawing waits for it) */
	cluster = $state.raw<typeof ClusterModule | null>(null);
	#clusterLoading = false;
	/** product-segments.ts once it has arrived (reactive, like `cluster`) */
	products = $state.raw<typeof ProductModule | null>(null);
	#productsLoading = false;
	#bands: SegmentBands | null = null;
	#bandsLoading = false;
	#onCluster: () => void;

	/** `onCluster`: the module arrived (restyle with its sheet) */
	constructor(onCluster: () => void) {
		this.#onCluster = onCluster;
	}

	loadCluster() {
		if (this.#clusterLoading) return;
		this.#clusterLoading = true;
		import('./cluster-elements').then(
			(m) => {
				this.cluster = m;
				this.#onCluster();
			},
			(err) => {
				this.#clusterLoading = false;
				console.error('the cluster drawing did not load', err);
			}
		);
	}

	loadProducts() {
		if (this.#productsLoading) return;
		this.#productsLoading = true;
		import('./product-segments').then(
			(m) => (this.products = m),
			(err) => {
				this.#productsLoading = false;
				console.error('the product segments did not load', err);
			}
		);
	}

	/** Keeps the segment bands in step with the design: drawn while it has an overlay. */
	bands(cy: Core | null, topology: Topology, current: () => { cy: Core | null; topology: Topology }) {
		if (!cy || !topology.overlay) return this.dropBands();
		if (this.#bands) return this.#bands.update(topology);
		if (this.#bandsLoading) return;
		this.#bandsLoading = true;
		import('./overlay-bands').then(
			(m) => {
				this.#bandsLoading = false;
				const now = current();
				if (now.cy === cy && !cy.destroyed() && !this.#bands && now.topology.overlay) this.#bands = new m.SegmentBands(cy, now.topology);
			},
			(err) => {
				this.#bandsLoading = false;
				console.error('the overlay drawing did not load', err);
			}
		);
	}

	dropBands() {
		this.#bands?.destroy();
		this.#bands = null;
	}
}

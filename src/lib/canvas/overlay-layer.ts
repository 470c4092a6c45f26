/**
 * A transparent 2D canvas laid over the cytoscape container, redrawn on the
 * next animation frame whenever the graph renders or the container resizes.
 * The probe animation and the scenario overlay draw on their own layers, so
 * the editor's diagram is never modified.
 */
import type { Core } from 'cytoscape';

export class OverlayLayer {
	readonly canvas: HTMLCanvasElement;
	readonly ctx: CanvasRenderingContext2D;
	#cy: Core;
	#frame = 0;
	#resize: ResizeObserver | null = null;
	#draw: () => void;
	#onRender = () => this.schedule();

	constructor(cy: Core, className: string, zIndex: number, draw: () => void) {
		this.#cy = cy;
		this.#draw = draw;
		const container = cy.container();
		this.canvas = document.createElement('canvas');
		this.canvas.className = className;
		this.canvas.setAttribute('aria-hidden', 'true');
		Object.assign(this.canvas.style, { position: 'absolute', inset: '0', width: '100%', height: '100%', pointerEvents: 'none', zIndex: String(zIndex) });
		if (container) {
			if (getComputedStyle(container).position === 'static') container.style.position = 'relative';
			container.appendChild(this.canvas);
			this.#resize = new ResizeObserver(() => this.schedule());
			this.#resize.observe(container);
		}
		this.ctx = this.canvas.getContext('2d')!;
		cy.on('render', this.#onRender);
	}

	/** Redraw on the next animation frame (coalesced). */
	schedule(): void {
		if (this.#frame) return;
		this.#frame = requestAnimationFrame(() => {
			this.#frame = 0;
			this.#draw();
		});
	}

	/**
	 * Sizes the backing store to the CSS size × devicePixelRatio, clears it and
	 * sets a CSS-pixel transform. Returns false when the graph is gone.
	 */
	begin(): boolean {
		const cv = this.canvas;
		const dpr = window.devicePixelRatio || 1;
		const w = cv.clientWidth;
		const h = cv.clientHeight;
		if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
			cv.width = Math.round(w * dpr);
			cv.height = Math.round(h * dpr);
		}
		this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		this.ctx.clearRect(0, 0, w, h);
		return !this.#cy.destroyed();
	}

	destroy(): void {
		cancelAnimationFrame(this.#frame);
		this.#cy.off('render', this.#onRender);
		this.#resize?.disconnect();
		this.canvas.remove();
	}
}

/**
 * A transparent 2D canvas laid over the cytoscape container, redrawn on the
 * next animation frame whenever the graph renders or the container resizes.
 * The probe animation and the scenario overlay draw on their own layers, so
 * the editor's diagram is never modified.
 */
import type { Core } from 'cytoscape';

const FONT = '600 11px Inter, "Segoe UI", system-ui, sans-serif';

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

/** A rounded label chip (text in the outline colour) anchored at x by `align`, centred on y. */
export function drawChip(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string, align: 'left' | 'center' | 'right') {
	ctx.save();
	ctx.font = FONT;
	const w = ctx.measureText(text).width + 14;
	const h = 19;
	const left = align === 'center' ? x - w / 2 : align === 'right' ? x - w : x;
	ctx.beginPath();
	roundRect(ctx, left, y - h / 2, w, h, 9.5);
	ctx.fillStyle = '#0b1220';
	ctx.globalAlpha = 0.92;
	ctx.fill();
	ctx.globalAlpha = 1;
	ctx.lineWidth = 1.5;
	ctx.strokeStyle = color;
	ctx.stroke();
	ctx.fillStyle = color;
	ctx.textBaseline = 'middle';
	ctx.fillText(text, left + 7, y + 0.5);
	ctx.restore();
}

/** Rounded-rectangle path with the radius clamped to the box (no ctx.roundRect dependency). */
export function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number) {
	const rr = Math.min(r, w / 2, h / 2);
	ctx.moveTo(x + rr, y);
	ctx.arcTo(x + w, y, x + w, y + h, rr);
	ctx.arcTo(x + w, y + h, x, y + h, rr);
	ctx.arcTo(x, y + h, x, y, rr);
	ctx.arcTo(x, y, x + w, y, rr);
	ctx.closePath();
}

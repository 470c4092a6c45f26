/**
 * Painting the reachability matrix: its layout for a panel width, the
 * labelled grid of squares, the one-pixel-a-cell image for big matrices,
 * and the CSV export. No state of the component lives here.
 */
import { DISPOSITIONS } from '$lib/model/types';
import { CELL_PENDING, CELL_SELF, cellDisposition } from '$lib/worker/protocol';
import { cssColor } from '$lib/canvas/style';
import { DISPOSITION_COLOR } from './colors';

export const FONT = '11px Inter, "Segoe UI", system-ui, sans-serif';

export interface MatrixLayout {
	cell: number;
	labels: boolean;
	image: boolean;
	labelW: number;
	headH: number;
	w: number;
	h: number;
}

/**
 * Up to ~20 endpoints: a labelled grid of squares. Beyond: one pixel block per
 * cell from an image, 4 px a cell while that fits a scroll area, else an
 * overview scaled to the panel (hover still reads each cell).
 */
export function matrixLayout(endpoints: string[], width: number): MatrixLayout {
	const n = endpoints.length;
	const avail = Math.max(120, width - 4);
	const ctx = document.createElement('canvas').getContext('2d')!;
	ctx.font = FONT;
	let widest = 0;
	if (n <= 200) for (const e of endpoints) widest = Math.max(widest, ctx.measureText(e).width);
	const labelW = Math.min(110, Math.ceil(widest) + 10);
	const fit = Math.floor((avail - labelW) / n);
	if (fit >= 10) {
		const cell = Math.min(n <= 8 ? 40 : 26, fit);
		const headH = Math.min(110, Math.ceil(widest * 0.72) + 14);
		return { cell, labels: true, image: false, labelW, headH, w: labelW + n * cell + 4, h: headH + n * cell + 2 };
	}
	let cell = Math.floor(avail / n);
	if (cell < 4) cell = n * 4 <= 1200 ? 4 : avail / n;
	return { cell, labels: false, image: true, labelW: 0, headH: 0, w: Math.ceil(n * cell), h: Math.ceil(n * cell) };
}

/** Cell colours as RGBA words for the image (little-endian: 0xAABBGGRR). */
function rgba(hex: string): number {
	const v = parseInt(hex.slice(1), 16);
	return (0xff << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff);
}
const DISPOSITION_RGBA = DISPOSITIONS.map((d) => rgba(DISPOSITION_COLOR[d]));

export type Theme = ReturnType<typeof theme>;
/** the page's colours now (light or dark scheme): read at each paint */
export function theme() {
	return {
		pending: cssColor('--surface-hover', '#1a2336'),
		self: cssColor('--bg', '#0b1220'),
		selfMark: cssColor('--border-strong', '#334155'),
		label: cssColor('--muted', '#94a3b8'),
		hover: cssColor('--text', '#e2e8f0')
	};
}

/** n×n pixels, one per cell, painted row by row as rows arrive */
export class MatrixImage {
	#image: { canvas: HTMLCanvasElement; data: ImageData; words: Uint32Array; cells: Uint8Array<ArrayBufferLike>; painted: number; pending: number; self: number } | null = null;

	/** `rows`: how many rows are final (all of them once the run is over); `running`: paint only the new ones */
	paint(cells: Uint8Array<ArrayBufferLike>, n: number, rows: number, running: boolean): HTMLCanvasElement {
		if (!this.#image || this.#image.cells !== cells || this.#image.data.width !== n) {
			const c = document.createElement('canvas');
			c.width = n;
			c.height = n;
			const data = new ImageData(n, n);
			const words = new Uint32Array(data.data.buffer);
			const t = theme();
			const pending = rgba(t.pending);
			words.fill(pending);
			c.getContext('2d')!.putImageData(data, 0, 0);
			this.#image = { canvas: c, data, words, cells, painted: 0, pending, self: rgba(t.self) };
		}
		const img = this.#image;
		const upTo = rows;
		const from = running ? img.painted : 0;
		for (let k = from * n; k < upTo * n; k++) {
			const c = cells[k];
			img.words[k] = c === CELL_SELF ? img.self : c === CELL_PENDING ? img.pending : (DISPOSITION_RGBA[c - 1] ?? img.pending);
		}
		if (upTo > from) img.canvas.getContext('2d')!.putImageData(img.data, 0, 0, 0, from, n, upTo - from);
		img.painted = upTo;
		return img.canvas;
	}
}

/** The labelled grid: names down the side and slanted across the top, a square a cell. */
export function drawGrid(ctx: CanvasRenderingContext2D, L: MatrixLayout, t: Theme, eps: string[], cells: Uint8Array<ArrayBufferLike>, nameOf: (id: string) => string, hover: { i: number; j: number } | null) {
	const n = eps.length;
	ctx.font = FONT;
	if (L.labels) {
		ctx.fillStyle = t.label;
		ctx.textBaseline = 'middle';
		ctx.textAlign = 'right';
		eps.forEach((e, i) => ctx.fillText(nameOf(e), L.labelW - 6, L.headH + i * L.cell + L.cell / 2, L.labelW - 8));
		ctx.textAlign = 'left';
		eps.forEach((e, j) => {
			ctx.save();
			ctx.translate(L.labelW + j * L.cell + L.cell / 2, L.headH - 6);
			ctx.rotate(-Math.PI / 3);
			ctx.fillText(nameOf(e), 0, 0, 120);
			ctx.restore();
		});
	}
	const gap = 1;
	for (let i = 0; i < n; i++) {
		for (let j = 0; j < n; j++) {
			const c = cells[i * n + j];
			const x = L.labelW + j * L.cell;
			const y = L.headH + i * L.cell;
			if (c === CELL_SELF) {
				ctx.fillStyle = t.self;
				ctx.fillRect(x, y, L.cell - gap, L.cell - gap);
				ctx.strokeStyle = t.selfMark;
				ctx.lineWidth = 1;
				ctx.beginPath();
				ctx.moveTo(x + 2, y + L.cell - gap - 2);
				ctx.lineTo(x + L.cell - gap - 2, y + 2);
				ctx.stroke();
				continue;
			}
			const d = cellDisposition(c);
			ctx.fillStyle = c === CELL_PENDING || !d ? t.pending : DISPOSITION_COLOR[d];
			ctx.fillRect(x, y, L.cell - gap, L.cell - gap);
		}
	}
	if (hover) {
		ctx.strokeStyle = t.hover;
		ctx.lineWidth = 2;
		ctx.strokeRect(L.labelW + hover.j * L.cell - 1, L.headH + hover.i * L.cell - 1, L.cell + 1 - gap, L.cell + 1 - gap);
	}
}

/** The matrix as CSV: a row per source, a column per destination, empty on the diagonal. */
export function matrixCsv(endpoints: string[], cells: Uint8Array<ArrayBufferLike>): string {
	const n = endpoints.length;
	const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
	const lines = [['from \\ to', ...endpoints].map(q).join(',')];
	endpoints.forEach((e, i) => {
		const row = [e];
		for (let j = 0; j < n; j++) {
			const c = cells[i * n + j];
			row.push(c === CELL_SELF ? '' : (cellDisposition(c) ?? ''));
		}
		lines.push(row.map(q).join(','));
	});
	return lines.join('\n') + '\n';
}

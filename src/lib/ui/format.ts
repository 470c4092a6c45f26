/** Display formatting for the read-only panels (units as the file writes them). */

/** 50000 → "50us", 1500000 → "1.5ms" */
export function formatNs(ns: number): string {
	const units: [number, string][] = [
		[1e9, 's'],
		[1e6, 'ms'],
		[1e3, 'us']
	];
	for (const [size, unit] of units) {
		if (Math.abs(ns) >= size) return `${trim(ns / size)}${unit}`;
	}
	return `${ns}ns`;
}

/** 1e9 → "1Gbps" */
export function formatBps(bps: number): string {
	const units: [number, string][] = [
		[1e9, 'Gbps'],
		[1e6, 'Mbps'],
		[1e3, 'Kbps']
	];
	for (const [size, unit] of units) {
		if (Math.abs(bps) >= size) return `${trim(bps / size)}${unit}`;
	}
	return `${bps}bps`;
}

/** 4294967296 → "4GiB" */
export function formatBytes(bytes: number): string {
	const units: [number, string][] = [
		[2 ** 30, 'GiB'],
		[2 ** 20, 'MiB'],
		[2 ** 10, 'KiB']
	];
	for (const [size, unit] of units) {
		if (Math.abs(bytes) >= size) return `${trim(bytes / size)}${unit}`;
	}
	return `${bytes} B`;
}

export function formatPorts(r: { from: number; to: number } | undefined): string {
	if (!r) return '';
	return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

function trim(n: number): string {
	return String(Math.round(n * 1000) / 1000);
}

/** "1 error", "3 warnings" */
export function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

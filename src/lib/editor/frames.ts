/**
 * Animation frames for the headless sessions' playback: the browser's
 * requestAnimationFrame, or a 16 ms timer where there is none (Node, tests),
 * so the editor runs without a DOM.
 */
export function requestFrame(f: (now: number) => void): number {
	if (typeof requestAnimationFrame === 'function') return requestAnimationFrame(f);
	return setTimeout(() => f(performance.now()), 16) as unknown as number;
}

export function cancelFrame(id: number) {
	if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(id);
	else clearTimeout(id as unknown as ReturnType<typeof setTimeout>);
}

/**
 * Parts loaded on first use, and the ones one click away that load while the
 * page is idle after the first document opened (idle is stepped by hand).
 */
import { describe, expect, it } from 'vitest';
import { lazy, preloadParts } from '../../src/lib/ui/lazy';

describe('lazy parts', () => {
	it('loads once, keeps the value, and tries again after a failed load', async () => {
		let calls = 0;
		const part = lazy(async () => {
			calls++;
			if (calls === 1) throw new Error('offline');
			return 'part';
		});
		expect(calls).toBe(0);
		await expect(part()).rejects.toThrow('offline');
		expect(await part()).toBe('part');
		expect(await part()).toBe('part');
		expect(part.value).toBe('part');
		expect(calls).toBe(2);
	});

	it('a preload part loads when the page is idle after preloadParts, the others only when used', async () => {
		const loaded: string[] = [];
		const early = lazy(async () => (loaded.push('early'), 'early'), { preload: true });
		const onUse = lazy(async () => (loaded.push('on-use'), 'on-use'));
		const idle: (() => void)[] = [];
		await Promise.resolve();
		expect(loaded).toEqual([]);
		preloadParts((run) => idle.push(run));
		expect(loaded).toEqual([]); // not before the page is idle
		// a preload part made after the first document opened goes to the idle queue at once
		const late = lazy(async () => (loaded.push('late'), 'late'), { preload: true });
		expect(idle.length).toBe(2);
		for (const run of idle) run();
		await Promise.resolve();
		expect(loaded).toEqual(['early', 'late']);
		expect(await early()).toBe('early');
		expect(await late()).toBe('late');
		expect(loaded).toEqual(['early', 'late']);
		expect(await onUse()).toBe('on-use');
	});
});

import { describe, expect, it } from 'vitest';
import { decodeDoc, docPayload, encodeDoc, fromBase64Url, shareLink, toBase64Url } from '../../src/lib/share/link';

const DOC = `version: 1\nname: täst — ünïcode ✓\nnodes:\n  a: { kind: host }\n  b: { kind: host }\nlinks:\n  - [a, b]\n`;

describe('share link', () => {
	it('round-trips a document through the fragment', async () => {
		const payload = await encodeDoc(DOC);
		expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(await decodeDoc(payload)).toBe(DOC);
	});

	it('base64url round-trips every byte value', () => {
		const bytes = new Uint8Array(256).map((_, i) => i);
		expect(Array.from(fromBase64Url(toBase64Url(bytes)))).toEqual(Array.from(bytes));
		expect(toBase64Url(bytes)).not.toMatch(/[+/=]/);
	});

	it('builds a link on the page URL, replacing any fragment', async () => {
		const r = await shareLink(DOC, 'https://example.org/vnet/?example=x#lesson=abc');
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.url.startsWith('https://example.org/vnet/?example=x#doc=')).toBe(true);
		const payload = docPayload(new URL(r.url).hash);
		expect(payload).not.toBeNull();
		expect(await decodeDoc(payload!)).toBe(DOC);
	});

	it('refuses a link that is too long and says how long it would be', async () => {
		// random text does not compress
		const bytes = crypto.getRandomValues(new Uint8Array(60_000));
		const big = Array.from(bytes, (b) => String.fromCharCode(33 + (b % 90))).join('');
		const r = await shareLink(big, 'https://example.org/');
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.length).toBeGreaterThan(60_000);
			expect(r.reason).toMatch(/download/);
		}
	});

	it('rejects garbage and oversized payloads', async () => {
		expect(docPayload('#lesson=abc')).toBeNull();
		expect(docPayload('#doc=a+b')).toBeNull();
		await expect(decodeDoc('not*base64')).rejects.toThrow();
		await expect(decodeDoc('AAAA')).rejects.toThrow();
		const bomb = await encodeDoc('x'.repeat(200_000));
		await expect(decodeDoc(bomb, 100_000)).rejects.toThrow(/larger/);
	});
});

/**
 * Share links (issue #8): the whole document travels in the URL fragment,
 * `#doc=<base64url of deflate-raw(text)>`, so opening the link needs no
 * server (a fragment never reaches one). Pure: CompressionStream and
 * DecompressionStream exist in browsers and in Node 20.
 */

/** Links longer than this are refused (many chat tools, mail clients and servers cut longer URLs). */
export const MAX_LINK_CHARS = 60_000;
/** A decoded document larger than this is refused (a small link can inflate to a huge text). */
export const MAX_DOC_BYTES = 8 * 1024 * 1024;

const PREFIX = '#doc=';

async function pump(stream: ReadableStream<Uint8Array>, limit = Infinity): Promise<Uint8Array> {
	const reader = stream.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.length;
		if (total > limit) {
			await reader.cancel().catch(() => {});
			throw new RangeError(`the shared document is larger than ${limit} bytes`);
		}
		chunks.push(value);
	}
	const out = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}

function through(bytes: Uint8Array, t: CompressionStream | DecompressionStream, limit?: number): Promise<Uint8Array> {
	const source = new ReadableStream<Uint8Array>({
		start(c) {
			c.enqueue(bytes);
			c.close();
		}
	});
	return pump(source.pipeThrough(t as unknown as TransformStream<Uint8Array, Uint8Array>), limit);
}

export function toBase64Url(bytes: Uint8Array): string {
	let bin = '';
	for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): Uint8Array {
	if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new SyntaxError('not base64url');
	const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
	const bin = atob(b64);
	const out = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
	return out;
}

/** The fragment payload (without `#doc=`) of a document text. */
export async function encodeDoc(text: string): Promise<string> {
	const packed = await through(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
	return toBase64Url(packed);
}

/** The document text of a payload; throws on anything that is not one. */
export async function decodeDoc(payload: string, limit = MAX_DOC_BYTES): Promise<string> {
	const bytes = fromBase64Url(payload);
	const raw = await through(bytes, new DecompressionStream('deflate-raw'), limit);
	return new TextDecoder('utf-8', { fatal: true }).decode(raw);
}

export type ShareLink = { ok: true; url: string } | { ok: false; length: number; reason: string };

/** A link to `base` (any URL; its fragment is replaced) that carries the text. */
export async function shareLink(text: string, base: string, max = MAX_LINK_CHARS): Promise<ShareLink> {
	const url = new URL(base);
	url.hash = '';
	const full = `${url.href}${PREFIX}${await encodeDoc(text)}`;
	if (full.length > max) {
		return { ok: false, length: full.length, reason: `The link would be ${full.length.toLocaleString('en')} characters (the limit is ${max.toLocaleString('en')}): download the file and share that instead.` };
	}
	return { ok: true, url: full };
}

/** The payload of a `#doc=…` fragment, or null when the hash is something else. */
export function docPayload(hash: string): string | null {
	const m = /^#doc=([A-Za-z0-9_-]+)$/.exec(hash);
	return m ? m[1] : null;
}

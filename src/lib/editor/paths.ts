/**
 * Document paths as the loader and lint spell them ("nodes.r1.interfaces.eth0.ip",
 * "links[3].a", 'nodes["my node"]') back into segments. A dotted key such as
 * the subinterface "eth0.10" is ambiguous in that spelling; `resolve` joins
 * segments until the document has the key.
 */
export type Segments = (string | number)[];

export function parsePath(text: string): Segments {
	const out: Segments = [];
	const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.[\]]+)/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text))) {
		if (m[1] !== undefined) out.push(Number(m[1]));
		else if (m[2] !== undefined) out.push(JSON.parse(`"${m[2]}"`) as string);
		else if (m[3] !== undefined) out.push(m[3]);
	}
	return out;
}

/** Joins dotted segments back into keys where the document has such a key. */
export function resolvePath(segments: Segments, has: (path: Segments) => boolean): Segments {
	const out: Segments = [];
	for (let i = 0; i < segments.length; i++) {
		let seg = segments[i];
		if (typeof seg === 'string' && !has([...out, seg])) {
			let joined = seg;
			for (let j = i + 1; j < segments.length && typeof segments[j] === 'string'; j++) {
				joined += `.${segments[j]}`;
				if (has([...out, joined])) {
					seg = joined;
					i = j;
					break;
				}
			}
		}
		out.push(seg);
	}
	return out;
}

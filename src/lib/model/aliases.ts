/**
 * YAML aliases, bounded before anything expands them. `toJS` turns an alias
 * into a shared reference, so `a: &a [*a]` becomes a cyclic value that every
 * later walk (validation, lint, export) follows forever, and a billion-laughs
 * file becomes a value far larger than its text. This walk runs on the parsed
 * AST, where both are cheap to see: a recursive alias points at a node that is
 * still open on the walk, and the expanded size of the document is exactly the
 * literal tree plus, for every alias written in the file, the expanded size of
 * its anchor (memoized, so the count never expands anything).
 *
 * One function for the loader, the editor's store, the lesson loader and the
 * importers, so the same bound holds in Node and in the worker.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml';

/** Alias nodes a file may write; anchors for reuse need a handful, an alias bomb needs many. */
export const MAX_ALIASES = 100;
/**
 * Expanded size (values plus characters of strings) the aliases may reach: no
 * more than the largest file the loader reads (5 MB) could hold written out.
 */
export const MAX_EXPANDED_SIZE = 5 * 1024 * 1024;

export interface AliasProblem {
	/** character offset of the alias in the text */
	offset: number;
	message: string;
}

interface Frame {
	node: unknown;
	children: unknown[];
	next: number;
	size: number;
}

/** The first recursive or excessive alias of a parsed document, or null when its aliases are safe to expand. */
export function checkAliases(doc: Document): AliasProblem | null {
	const anchors = new Map<string, Node>();
	const open = new Set<unknown>();
	const sizes = new Map<unknown, number>();
	let aliases = 0;
	let expanded = 0;

	const childrenOf = (node: unknown): unknown[] => {
		if (isMap(node) || isSeq(node)) return node.items as unknown[];
		if (isPair(node)) return [node.key, node.value];
		return [];
	};
	const ownSize = (node: unknown): number => {
		if (isScalar(node)) return 1 + (typeof node.value === 'string' ? node.value.length : 0);
		return isPair(node) ? 0 : 1;
	};

	// Iterative post-order: the file chooses the nesting depth.
	const stack: Frame[] = [];
	const enter = (node: unknown): AliasProblem | null => {
		if (isAlias(node)) {
			const target = anchors.get(node.source);
			if (!target) return null; // the parser reports an unknown anchor itself
			const offset = node.range?.[0] ?? 0;
			if (open.has(target))
				return { offset, message: `YAML alias \`*${node.source}\` is inside its own anchor \`&${node.source}\`: a value cannot contain itself` };
			if (++aliases > MAX_ALIASES)
				return { offset, message: `YAML: more than ${MAX_ALIASES} aliases; write the values out` };
			const size = sizes.get(target) ?? 0;
			expanded += size;
			if (expanded > MAX_EXPANDED_SIZE)
				return { offset, message: `YAML aliases expand too much (past ${MAX_EXPANDED_SIZE / 1024 / 1024} MB written out); write the values out` };
			if (stack.length > 0) stack[stack.length - 1].size += size;
			return null;
		}
		const anchor = (node as { anchor?: string } | null)?.anchor;
		if (anchor) {
			anchors.set(anchor, node as Node);
			open.add(node);
		}
		stack.push({ node, children: childrenOf(node), next: 0, size: ownSize(node) });
		return null;
	};

	const root = enter(doc.contents);
	if (root) return root;
	while (stack.length > 0) {
		const top = stack[stack.length - 1];
		if (top.next < top.children.length) {
			const problem = enter(top.children[top.next++]);
			if (problem) return problem;
			continue;
		}
		stack.pop();
		if (open.delete(top.node)) sizes.set(top.node, top.size);
		if (stack.length > 0) stack[stack.length - 1].size += top.size;
	}
	return null;
}

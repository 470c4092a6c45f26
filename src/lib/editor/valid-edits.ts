/**
 * Property edits as commands that keep the design valid (#14.2): the plan of
 * model/edit-rules.ts (the value, plus what it forbids removed or converted)
 * applied as ONE undo step; an edit that stays a format error is refused with
 * the schema's reason and changes nothing.
 */
import { planEdit, repair, type EditPlan } from '../model/edit-rules';
import type { Path, Transaction } from './document';
import type { TopologyStore } from './store';

/** The document as plain data, for planning. */
function plain(store: TopologyStore): unknown {
	return store.doc?.toJS({ maxAliasCount: 100 });
}

/** What an edit would do, without doing it (the field validates each keystroke with this). */
export function previewEdit(store: TopologyStore, path: Path, value: unknown): EditPlan {
	if (!store.doc || !store.valid) return { ok: false, reason: 'the document has errors: fix them in the text first' };
	return planEdit(plain(store), path, value);
}

/** Sets (undefined: removes) one field and whatever the new value forbids; one undo step. */
export function editField(store: TopologyStore, path: Path, value: unknown, label?: string, merge?: string): EditPlan {
	const plan = previewEdit(store, path, value);
	if (!plan.ok) return plan;
	store.apply(
		label ?? `Set ${path.slice(-1)[0]}`,
		(tx) => {
			for (const s of plan.steps) tx.set(s.path, s.value);
		},
		{ merge }
	);
	return plan;
}

/**
 * Inside another command: removes or converts what its edits left invalid
 * (a guest moved to a hypervisor whose product lacks its attach mode). Throws
 * (so the command changes nothing) when nothing makes the document valid.
 */
export function repairInTransaction(tx: Transaction, edited: Path): { dropped: string[]; converted: string[] } {
	const draft = tx.doc.toJS({ maxAliasCount: 100 });
	const result = repair(draft, edited, (s) => tx.set(s.path, s.value));
	if (!result.ok) throw new Error(result.reason);
	return result;
}

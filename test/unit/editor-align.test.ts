/**
 * Align and distribute a multi-selection without a browser: the geometry, one
 * undo step for the whole arrangement, a hypervisor taking its guests along.
 */
import { describe, expect, it } from 'vitest';
import { Editor } from '../../src/lib/editor/editor.svelte';
import { arrange, arrangeDeltas, type ArrangeBox } from '../../src/lib/editor/align';
import { findAction, actionOf } from '../../src/lib/editor/keymap';

const LAB = `vnet: 1
name: align-lab
nodes:
  a: { kind: host, position: { x: 100, y: 40 }, interfaces: { eth0: {} } }
  b: { kind: host, position: { x: 180, y: 200 }, interfaces: { eth0: {} } }
  c: { kind: host, position: { x: 500, y: 120 }, interfaces: { eth0: {} } }
  hv: { kind: hypervisor, interfaces: { eth0: {} } }
  vm: { kind: vm, on: hv, position: { x: 300, y: 300 }, interfaces: { eth0: { dhcp: true, attach: nat } } }
`;

const pos = (ed: Editor, id: string) => ed.active!.raw(['nodes', id, 'position']) as { x: number; y: number };
/** boxes as the canvas would measure them: 40 × 40 around each position */
const boxes = (ed: Editor, ids: string[]): ArrangeBox[] => ids.map((id) => ({ id, ...pos(ed, id), w: 40, h: 40 }));

describe('align and distribute', () => {
	it('aligns left, right, top and bottom edges and centres by the boxes, not the centres', () => {
		const bs: ArrangeBox[] = [
			{ id: 'a', x: 100, y: 100, w: 40, h: 20 },
			{ id: 'b', x: 200, y: 300, w: 100, h: 60 }
		];
		expect(arrangeDeltas(bs, 'left').get('b')).toEqual({ dx: -70, dy: 0 });
		expect(arrangeDeltas(bs, 'right').get('a')).toEqual({ dx: 130, dy: 0 });
		expect(arrangeDeltas(bs, 'top').get('b')).toEqual({ dx: 0, dy: -180 });
		expect(arrangeDeltas(bs, 'bottom').get('a')).toEqual({ dx: 0, dy: 220 });
		// the selection's bounds run from 80 to 250: both centres go to 165
		expect(arrangeDeltas(bs, 'center').get('a')).toEqual({ dx: 65, dy: 0 });
		expect(arrangeDeltas(bs, 'center').get('b')).toEqual({ dx: -35, dy: 0 });
		expect(arrangeDeltas([bs[0]], 'left').size).toBe(0);
	});

	it('distributes with equal gaps between the edges, the outer two fixed', () => {
		const bs: ArrangeBox[] = [
			{ id: 'a', x: 0, y: 0, w: 20, h: 20 },
			{ id: 'm', x: 30, y: 0, w: 60, h: 20 },
			{ id: 'z', x: 300, y: 0, w: 20, h: 20 }
		];
		const d = arrangeDeltas(bs, 'distribute-x');
		expect(d.get('a')).toEqual({ dx: 0, dy: 0 });
		expect(d.get('z')).toEqual({ dx: 0, dy: 0 });
		// span -10..310 = 320, sizes 100, two gaps of 110: m's left edge at 120, its centre at 150
		expect(30 + d.get('m')!.dx).toBe(150);
		expect(arrangeDeltas(bs.slice(0, 2), 'distribute-x').size).toBe(0);
	});

	it('is one undo step in the document, and a hypervisor moves its guests', () => {
		const ed = new Editor();
		ed.open(LAB, 'align.vnet.yaml');
		const s = ed.active!;
		expect(arrange(s.store, boxes(ed, ['a', 'b', 'c']), 'top')).toBe(true);
		expect([pos(ed, 'a').y, pos(ed, 'b').y, pos(ed, 'c').y]).toEqual([40, 40, 40]);
		expect(arrange(s.store, boxes(ed, ['a', 'b', 'c']), 'distribute-x')).toBe(true);
		expect(pos(ed, 'b').x).toBe(300);
		ed.undo();
		expect(pos(ed, 'b')).toEqual({ x: 180, y: 40 });
		ed.undo();
		expect([pos(ed, 'a'), pos(ed, 'b'), pos(ed, 'c')]).toEqual([
			{ x: 100, y: 40 },
			{ x: 180, y: 200 },
			{ x: 500, y: 120 }
		]);
		// nothing to move: nothing recorded
		expect(arrange(s.store, boxes(ed, ['a', 'a']), 'left')).toBe(false);
		// the hypervisor's box (around its guest, left edge 240) goes to a's left edge 80: the guest's position moves, the one the file keeps
		const hv: ArrangeBox = { id: 'hv', x: 300, y: 300, w: 120, h: 80, members: [{ id: 'vm', x: 300, y: 300 }] };
		expect(arrange(s.store, [{ id: 'a', ...pos(ed, 'a'), w: 40, h: 40 }, hv], 'left')).toBe(true);
		expect(pos(ed, 'vm')).toEqual({ x: 140, y: 300 });
		expect(s.raw(['nodes', 'hv', 'position'])).toBeUndefined();
		expect(s.valid).toBe(true);
	});

	it('has keys and palette entries in the one keymap table', () => {
		expect(findAction('align-left').keys.length).toBeGreaterThan(0);
		expect(actionOf({ key: 'H', code: 'KeyH', ctrlKey: false, metaKey: false, shiftKey: true, altKey: true }, false)?.action.id).toBe('distribute-x');
		expect(actionOf({ key: 'L', code: 'KeyL', ctrlKey: false, metaKey: false, shiftKey: true, altKey: true }, false)?.action.id).toBe('align-left');
	});
});

import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { TopologyStore } from '../../src/lib/editor/store';
import { lintTopology } from '../../src/lib/model/lint';
import {
	addCheck,
	addNode,
	connect,
	copyNodes,
	deleteElements,
	duplicate,
	emptyDocument,
	moveItem,
	moveNodes,
	paste,
	renameInterface,
	renameNode,
	setField,
	setHost
} from '../../src/lib/editor/commands';
import { spliceText, textPatch, applyPatch, revertPatch } from '../../src/lib/editor/splice';

const LAB = `# my lab
vnet: 1
name: lab   # the name
nodes:
  # the router
  r1:
    kind: router
    interfaces:
      eth0: { ip: 10.0.0.1/24 }        # to the switch
  sw1:
    kind: switch
  h1:
    kind: host
    position: { x: 10, y: 20 }
    interfaces:
      eth0: { ip: 10.0.0.10/24, gateway: 10.0.0.1 }
links:
  - { a: r1.eth0, b: sw1.p1 }   # uplink
  - { a: h1.eth0, b: sw1.p2 }
`;

function clock() {
	let t = 0;
	return { now: () => t, tick: (ms = 5000) => (t += ms) };
}

describe('store basics', () => {
	test('opens a file and derives the topology', () => {
		const s = new TopologyStore(LAB, 'lab.vnet.yaml');
		expect(s.valid).toBe(true);
		expect(s.editable).toBe(true);
		expect(Object.keys(s.topology!.nodes)).toEqual(['r1', 'sw1', 'h1']);
		expect(s.text).toBe(LAB);
		expect(s.dirty).toBe(false);
		expect(s.canUndo).toBe(false);
	});

	test('a broken file is kept as it is, with located errors', () => {
		const bad = 'vnet: 1\nname: x\nnodes:\n  a: { kind: rooter }\n';
		const s = new TopologyStore(bad, 'x.vnet.yaml');
		expect(s.valid).toBe(false);
		expect(s.editable).toBe(false);
		expect(s.text).toBe(bad);
		expect(s.errors[0].line).toBe(4);
		expect(addNode(s, 'host', { x: 0, y: 0 })).toBeNull(); // the canvas cannot edit it
	});

	test('a YAML syntax error keeps the text and the last valid topology', () => {
		const s = new TopologyStore(LAB, 'lab.vnet.yaml');
		s.setText(LAB.replace('kind: switch', 'kind: [switch'));
		expect(s.valid).toBe(false);
		expect(s.doc).toBeNull();
		expect(s.errors.length).toBeGreaterThan(0);
		expect(Object.keys(s.topology!.nodes)).toEqual(['r1', 'sw1', 'h1']);
		s.undo();
		expect(s.valid).toBe(true);
		expect(s.text).toBe(LAB);
	});
});

describe('commands keep comments and key order', () => {
	test('setting a field changes one line and keeps every comment', () => {
		const s = new TopologyStore(LAB, 'lab.vnet.yaml');
		setField(s, ['nodes', 'r1', 'interfaces', 'eth0', 'mtu'], 9000);
		const text = s.text;
		expect(text).toContain('# my lab');
		expect(text).toContain('name: lab   # the name');
		expect(text).toContain('  # the router');
		expect(text).toContain('- { a: r1.eth0, b: sw1.p1 }   # uplink');
		expect(text).toContain('eth0: { ip: 10.0.0.1/24, mtu: 9000 } # to the switch');
		// only that line changed
		const before = LAB.split('\n');
		const after = text.split('\n');
		expect(after.length).toBe(before.length);
		expect(after.filter((l, i) => l !== before[i])).toHaveLength(1);
		expect(s.topology!.nodes.r1.interfaces!.eth0.mtu).toBe(9000);
		expect(s.dirty).toBe(true);
	});

	test('new keys go where the spec writes them', () => {
		const s = new TopologyStore(LAB, 'lab.vnet.yaml');
		setField(s, ['nodes', 'h1', 'label'], 'Laptop');
		setField(s, ['nodes', 'h1', 'interfaces', 'eth0', 'dhcp'], undefined);
		setField(s, ['nodes', 'r1', 'interfaces', 'eth0', 'gateway'], '10.0.0.254');
		const text = s.text;
		expect(text).toMatch(/h1:\n    kind: host\n    label: Laptop\n    position:/);
		expect(text).toContain('eth0: { ip: 10.0.0.1/24, gateway: 10.0.0.254 }');
	});

	test('undo restores the exact text; redo the edit', () => {
		const c = clock();
		const s = new TopologyStore(LAB, 'lab.vnet.yaml', { now: c.now });
		moveNodes(s, [{ id: 'h1', x: 100.4, y: 200.6 }]);
		c.tick();
		deleteElements(s, { nodes: ['sw1'] });
		const afterDelete = s.text;
		expect(afterDelete).not.toContain('sw1');
		expect(s.topology!.links).toHaveLength(0);
		s.undo();
		expect(s.text).toContain('- { a: r1.eth0, b: sw1.p1 }   # uplink');
		expect(s.topology!.nodes.h1.position).toEqual({ x: 100, y: 201 });
		s.undo();
		expect(s.text).toBe(LAB);
		expect(s.dirty).toBe(false);
		s.redo();
		s.redo();
		expect(s.text).toBe(afterDelete);
		expect(s.canRedo).toBe(false);
	});

	test('a random sequence of edits, undone, gives back the original text', () => {
		const c = clock();
		const s = new TopologyStore(LAB, 'lab.vnet.yaml', { now: c.now });
		const steps = [
			() => addNode(s, 'vm', { x: 1, y: 2 }),
			() => addNode(s, 'hypervisor', { x: 300, y: 0 }),
			() => connect(s, 'vm1', 'sw1'),
			() => setHost(s, 'vm1', 'hv1'),
			() => setField(s, ['nodes', 'r1', 'routes'], [{ to: '0.0.0.0/0', via: '10.0.0.254' }]),
			() => renameNode(s, 'sw1', 'core'),
			() => renameInterface(s, 'r1', 'eth0', 'lan'),
			() => duplicate(s, ['h1']),
			() => deleteElements(s, { nodes: ['hv1'] }),
			() => addCheck(s, { from: 'h1', to: 'r1', expect: 'DELIVERED' })
		];
		const texts = [s.text];
		for (const step of steps) {
			step();
			c.tick();
			expect(s.valid, s.errors.map((e) => e.message).join('; ')).toBe(true);
			texts.push(s.text);
		}
		for (let i = texts.length - 2; i >= 0; i--) {
			s.undo();
			expect(s.text).toBe(texts[i]);
		}
		for (let i = 1; i < texts.length; i++) {
			s.redo();
			expect(s.text).toBe(texts[i]);
		}
	});

	test('undo is exact even when the text was never read in between', () => {
		const c = clock();
		const s = new TopologyStore(LAB, 'lab.vnet.yaml', { now: c.now });
		for (let i = 0; i < 5; i++) {
			moveNodes(s, [{ id: 'h1', x: i * 10, y: 0 }]);
			c.tick();
		}
		for (let i = 0; i < 5; i++) s.undo();
		expect(s.text).toBe(LAB);
	});
});

describe('ids and interfaces', () => {
	test('new nodes get unique ids and an interface ready to wire', () => {
		const s = new TopologyStore(emptyDocument(), 'new.vnet.yaml');
		expect(addNode(s, 'vm', { x: 0, y: 0 })).toBe('vm1');
		expect(addNode(s, 'vm', { x: 0, y: 0 })).toBe('vm2');
		expect(addNode(s, 'switch', { x: 0, y: 0 })).toBe('sw1');
		expect(addNode(s, 'internet', { x: 0, y: 0 })).toBe('internet1');
		const t = s.topology!;
		expect(Object.keys(t.nodes.vm1.interfaces!)).toEqual(['eth0']);
		expect(Object.keys(t.nodes.sw1.interfaces!)).toEqual(['p1']);
		// the empty document grew block-style
		expect(s.text).toMatch(/^nodes:\n  vm1:\n    kind: vm\n    position: \{ x: 0, y: 0 \}\n    interfaces:\n      eth0: \{\}\n/m);
		deleteElements(s, { nodes: ['vm1'] });
		expect(addNode(s, 'vm', { x: 0, y: 0 })).toBe('vm1'); // the lowest free number
	});

	test('wiring picks the next free interface on each side', () => {
		const s = new TopologyStore(emptyDocument(), 'new.vnet.yaml');
		addNode(s, 'router', { x: 0, y: 0 });
		addNode(s, 'switch', { x: 0, y: 0 });
		addNode(s, 'host', { x: 0, y: 0 });
		addNode(s, 'host', { x: 0, y: 0 });
		expect(connect(s, 'r1', 'sw1')).toBe(0);
		expect(connect(s, 'host1', 'sw1')).toBe(1);
		expect(connect(s, 'host2', 'sw1')).toBe(2);
		expect(connect(s, 'r1', 'host1')).toBe(3);
		expect(s.topology!.links.map((l) => `${l.a}-${l.b}`)).toEqual([
			'r1.eth0-sw1.p1',
			'host1.eth0-sw1.p2',
			'host2.eth0-sw1.p3',
			'r1.eth1-host1.eth1'
		]);
		expect(Object.keys(s.topology!.nodes.sw1.interfaces!)).toEqual(['p1', 'p2', 'p3']);
		expect(s.text).toContain('links:\n  - { a: r1.eth0, b: sw1.p1 }\n');
		expect(connect(s, 'r1', 'r1')).toBeNull();
	});

	test('a guest in a hypervisor is NAT-attached; its next cable takes eth1', () => {
		const s = new TopologyStore(emptyDocument(), 'new.vnet.yaml');
		addNode(s, 'hypervisor', { x: 0, y: 0 });
		addNode(s, 'vm', { x: 0, y: 0 }, { on: 'hv1' });
		addNode(s, 'switch', { x: 0, y: 0 });
		expect(s.topology!.nodes.vm1.on).toBe('hv1');
		expect(s.topology!.nodes.vm1.interfaces!.eth0).toEqual({ attach: 'nat', dhcp: true });
		connect(s, 'vm1', 'sw1');
		expect(s.topology!.links[0]).toMatchObject({ a: 'vm1.eth1', b: 'sw1.p1' });
		// out of the hypervisor: attachments go (they need one)
		setHost(s, 'vm1', null);
		expect(s.valid).toBe(true);
		expect(s.topology!.nodes.vm1.on).toBeUndefined();
		expect(s.topology!.nodes.vm1.interfaces!.eth0).toEqual({});
		s.undo();
		expect(s.topology!.nodes.vm1.interfaces!.eth0).toEqual({ attach: 'nat', dhcp: true });
	});

	test('paste and duplicate give unique ids and rewire among the copies', () => {
		const s = new TopologyStore(LAB, 'lab.vnet.yaml');
		const clip = copyNodes(s, ['h1', 'sw1'])!;
		expect(clip.links).toEqual([{ a: 'h1.eth0', b: 'sw1.p2' }]);
		const ids = paste(s, clip);
		expect(ids.sort()).toEqual(['h2', 'sw2']);
		expect(s.topology!.links.at(-1)).toMatchObject({ a: 'h2.eth0', b: 'sw2.p2' });
		expect(s.topology!.nodes.h2.position).toEqual({ x: 50, y: 60 });
		expect(duplicate(s, ['h2'])).toEqual(['h3']);
	});

	test('deleting a node removes its links and a controller stops managing it', () => {
		const text = `vnet: 1
name: sdn
nodes:
  ctl: { kind: sdn-controller, manages: [sw1, sw2] }
  sw1: { kind: switch }
  sw2: { kind: switch }
links:
  - { a: sw1.p1, b: sw2.p1 }
`;
		const s = new TopologyStore(text, 'sdn.vnet.yaml');
		deleteElements(s, { nodes: ['sw2'] });
		expect(s.topology!.nodes.ctl.manages).toEqual(['sw1']);
		expect(s.topology!.links).toEqual([]);
		s.undo();
		expect(s.text).toBe(text);
	});
});

describe('text edits and history', () => {
	test('typing in the YAML view is one undo step per pause', () => {
		const c = clock();
		const s = new TopologyStore(LAB, 'lab.vnet.yaml', { now: c.now });
		s.setText(LAB.replace('name: lab', 'name: la'));
		c.tick(100);
		s.setText(LAB.replace('name: lab', 'name: lab2'));
		c.tick(100);
		s.setText(LAB.replace('name: lab', 'name: lab22'));
		expect(s.topology!.name).toBe('lab22');
		s.undo();
		expect(s.text).toBe(LAB);
		s.redo();
		expect(s.topology!.name).toBe('lab22');
	});

	test('canvas edits after a text edit, then undo all', () => {
		const c = clock();
		const s = new TopologyStore(LAB, 'lab.vnet.yaml', { now: c.now });
		s.setText(LAB + '# appended\n');
		c.tick();
		addNode(s, 'host', { x: 5, y: 5 });
		c.tick();
		expect(s.text).toContain('# appended');
		expect(s.text).toContain('host1:');
		s.undo();
		s.undo();
		expect(s.text).toBe(LAB);
	});

	test('merged commands (a nudge held down) are one step', () => {
		const c = clock();
		const s = new TopologyStore(LAB, 'lab.vnet.yaml', { now: c.now });
		for (let i = 1; i <= 4; i++) {
			setField(s, ['nodes', 'h1', 'position'], { x: 10 + i, y: 20 }, 'Nudge', 'nudge');
			c.tick(50);
		}
		expect(s.topology!.nodes.h1.position).toEqual({ x: 14, y: 20 });
		s.undo();
		expect(s.text).toBe(LAB);
	});

	test('check() validates an edit with the file schema and changes nothing', () => {
		const s = new TopologyStore(LAB, 'lab.vnet.yaml');
		const bad = s.check((tx) => tx.set(['nodes', 'r1', 'interfaces', 'eth0', 'ip'], '10.0.0.300/24'));
		expect(bad[0].path).toBe('nodes.r1.interfaces.eth0.ip');
		expect(bad[0].message).toMatch(/10\.0\.0\.300/);
		expect(s.check((tx) => tx.set(['nodes', 'r1', 'interfaces', 'eth0', 'mtu'], 9000))).toEqual([]);
		expect(s.text).toBe(LAB);
		expect(s.canUndo).toBe(false);
	});

	test('history exports as text patches and imports back', () => {
		const c = clock();
		const s = new TopologyStore(LAB, 'lab.vnet.yaml', { now: c.now });
		addNode(s, 'host', { x: 5, y: 5 });
		c.tick();
		setField(s, ['name'], 'renamed');
		const history = s.exportHistory()!;
		expect(history).toHaveLength(2);
		const restored = new TopologyStore(s.text, 'lab.vnet.yaml', { now: c.now });
		restored.importHistory(history);
		restored.undo();
		restored.undo();
		expect(restored.text).toBe(LAB);
	});

	test('the lint findings come located', () => {
		const dup = LAB.replace('10.0.0.10/24', '10.0.0.1/24');
		const s = new TopologyStore(dup, 'lab.vnet.yaml');
		const found = lintTopology(s.topology!, { file: s.file, locate: (p) => s.locate(p) }).find((d) => d.rule === 'duplicate-ip');
		expect(found?.line).toBeGreaterThan(0);
	});

	test('reference errors are found at once, located, without the design rules', () => {
		const broken = LAB.replace('10.0.0.10/24', '10.0.0.1/24') + '  - { a: nowhere.eth0, b: r1.eth9 }\n';
		const s = new TopologyStore(broken, 'lab.vnet.yaml');
		const errors = s.referenceErrors();
		expect(errors.length).toBeGreaterThan(0);
		expect(errors.every((d) => d.severity === 'error' && d.line > 0)).toBe(true);
		expect(errors.some((d) => d.rule === 'duplicate-ip')).toBe(false);
	});

	test('JSON files stay JSON', () => {
		const json = JSON.stringify({ vnet: 1, name: 'j', nodes: { a: { kind: 'host' } } }, null, 2) + '\n';
		const s = new TopologyStore(json, 'j.vnet.json');
		addNode(s, 'host', { x: 1, y: 1 });
		const out = JSON.parse(s.text);
		expect(Object.keys(out.nodes)).toEqual(['a', 'host1']);
		s.undo();
		expect(s.text).toBe(json);
	});

	test('the shipped examples survive an edit with all their comments', () => {
		const text = readFileSync('topologies/vlan-campus.vnet.yaml', 'utf8');
		const s = new TopologyStore(text, 'vlan-campus.vnet.yaml');
		const id = Object.keys(s.topology!.nodes)[0];
		moveNodes(s, [{ id, x: 1, y: 1 }]);
		const comments = (t: string) => t.split('\n').filter((l) => l.includes('#')).length;
		expect(comments(s.text)).toBe(comments(text));
		const changed = s.text.split('\n').filter((l, i) => l !== text.split('\n')[i]);
		expect(changed.length).toBeLessThanOrEqual(2);
	});
});

describe('text splicing', () => {
	test('keeps the user lines the edit did not touch', () => {
		const user = 'a:   1  # one\nb: 2\nc: 3\n';
		const before = 'a: 1 # one\nb: 2\nc: 3\n';
		const after = 'a: 1 # one\nb: 5\nc: 3\nd: 4\n';
		expect(spliceText(user, before, after)).toBe('a:   1  # one\nb: 5\nc: 3\nd: 4\n');
	});
	test('patches round-trip', () => {
		const p = textPatch('hello world', 'hello brave world');
		expect(applyPatch('hello world', p)).toBe('hello brave world');
		expect(revertPatch('hello brave world', p)).toBe('hello world');
	});
});

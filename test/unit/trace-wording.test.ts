// What a trace says, read as a network engineer would: the hypervisor's drop
// names why (a hypervisor is not a router), an MTU black-hole drop shows the
// packet and the interface it arrived on, and `vnet --help` lists each
// command once.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { probe, topo } from './engine-helpers';

const root = path.resolve(import.meta.dirname, '../..');
const example = (name: string) => topo(readFileSync(path.join(root, 'topologies', name), 'utf8'));

describe('trace wording', () => {
	it('a hypervisor that drops a LAN packet for its NAT network says it is not a router', () => {
		const t = probe(example('home-lab.vnet.yaml'), { from: 'laptop', to: '10.0.2.15', proto: 'tcp', port: 22 }, true);
		expect(t.disposition).toBe('DROPPED');
		const last = t.request[t.request.length - 1];
		expect(last).toMatchObject({ node: 'hv', action: 'DROPPED' });
		expect(last.detail).toContain('not a router');
		expect(last.detail).not.toContain("only passes its NAT network's traffic");
		expect(t.verdict).toMatch(/^Dropped: hv is a hypervisor, not a router/);
	});

	it('an MTU black-hole drop shows the packet, its TTL and the interface it arrived on', () => {
		const t = probe(example('jumbo-storage.vnet.yaml'), { from: 'nas', to: 'compute3', size: 8000 }, true);
		expect(t.disposition).toBe('DROPPED');
		const last = t.request[t.request.length - 1];
		expect(last).toMatchObject({ node: 'compute3', in: 'eth1', action: 'DROPPED', src: '10.50.0.10', dst: '10.50.0.13', ttl: 64 });
		expect(last.detail).toBe('frame of 8028 bytes exceeds compute3.eth1 MTU 1500');
	});

	it('a DELIVERED verdict says where the packet arrives from', () => {
		const t = probe(example('home-lab.vnet.yaml'), { from: 'laptop', to: 'media', proto: 'tcp', port: 8096 }, true);
		expect(t.verdict).toContain('(arriving from 192.168.1.20)');
	});
});

describe('vnet --help', () => {
	it('lists every command once', () => {
		const cli = path.join(root, 'bin/vnet.cjs');
		if (!existsSync(cli)) execFileSync('node', ['scripts/build-cli.mjs'], { cwd: root, stdio: 'ignore' });
		const help = execFileSync('node', [cli, '--help'], { encoding: 'utf8' });
		const commands = help.split('\n').flatMap((l) => /^ {2}vnet (\w+)/.exec(l)?.[1] ?? []);
		expect(commands).toEqual(['lint', 'trace', 'check', 'matrix', 'simulate', 'export', 'import', 'config', 'schema']);
	});
});

// fields.ts checks addresses itself (ip-num was too heavy for the first draw):
// the same acceptance as ip-num's Validator, which stays here as the oracle.
import { describe, expect, it } from 'vitest';
import { IPv4CidrRange, Validator } from 'ip-num';
import { ipv4Network, isIPv4, isIPv4Prefix } from '../../src/lib/model/fields';

const EDGE = [
	'', '.', '...', '0.0.0.0', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '1.2.3.00',
	'1.2.3.4 ', ' 1.2.3.4', '1.2.3.4\n', '1..3.4', '1.2.3.-4', '+1.2.3.4', '1.2.3.4/', '/24', '1.2.3.4/24', '1.2.3.4/32',
	'1.2.3.4/33', '1.2.3.4/024', '1.2.3.4/0032', '1.2.3.4/-1', '1.2.3.4/+8', '1.2.3.4/ 8', '1.2.3.4/8/8', '10.0.0.0/8',
	'10.0.0.0/0', '0.0.0.0/0', '10.1.0.0/8', '1.2.3.4/99999999999999999999', '1e2.0.0.1', '0x1.2.3.4', '١.2.3.4', '199.1.1.1',
	'249.250.251.252/30', '10.0.1.10/24', '192.168.0.0/016'
];

function corpus(): string[] {
	const out = [...EDGE];
	let seed = 15;
	const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), (seed >>> 8) % n);
	const alphabet = '0123456789..//';
	for (let i = 0; i < 20000; i++) {
		// mostly near-addresses: four octets with a random mutation, and an optional length
		const oct = () => String(rnd(8) === 0 ? rnd(1000) : rnd(256)).padStart(rnd(16) === 0 ? 3 : 0, '0');
		let s = `${oct()}.${oct()}.${oct()}.${oct()}`;
		if (rnd(4)) s += `/${rnd(36)}`;
		if (rnd(6) === 0) {
			const at = rnd(s.length + 1);
			s = s.slice(0, at) + alphabet[rnd(alphabet.length)] + s.slice(at + rnd(2));
		}
		out.push(s);
	}
	return out;
}

describe('IPv4 text checks agree with ip-num', () => {
	const cases = corpus();

	it('addresses', () => {
		const wrong = cases.filter((s) => isIPv4(s) !== Validator.isValidIPv4String(s)[0]);
		expect(wrong).toEqual([]);
		expect(cases.filter(isIPv4).length).toBeGreaterThan(1000);
	});

	it('prefixes', () => {
		const wrong = cases.filter((s) => isIPv4Prefix(s) !== Validator.isValidIPv4CidrNotation(s)[0]);
		expect(wrong).toEqual([]);
		expect(cases.filter(isIPv4Prefix).length).toBeGreaterThan(1000);
	});

	it('networks, and the network named when host bits are set', () => {
		let hostBits = 0;
		for (const s of cases.filter(isIPv4Prefix)) {
			const r = ipv4Network.safeParse(s);
			expect(r.success, s).toBe(Validator.isValidIPv4CidrRange(s)[0]);
			if (r.success) continue;
			hostBits++;
			const network = IPv4CidrRange.fromCidr(s);
			expect(r.error.issues[0].message).toBe(`"${s}" has host bits set: the network is ${network.getFirst()}/${network.cidrPrefix.getValue()}`);
		}
		expect(hostBits).toBeGreaterThan(100);
	});
});

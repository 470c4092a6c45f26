import { describe, it, expect } from 'vitest';
import {
	formatBandwidth,
	formatDuration,
	formatRate,
	formatSize,
	parseBandwidth,
	parseDuration,
	parseRate,
	parseSize
} from '../../src/lib/model/units';

describe('parseDuration', () => {
	it.each([
		['0us', 0],
		['50us', 50_000],
		['0.2ms', 200_000],
		['1s', 1_000_000_000],
		['1.5s', 1_500_000_000],
		['7ns', 7],
		['100ms', 100_000_000],
		['0.000001ms', 1],
		['2.50us', 2_500]
	])('%s -> %i ns', (text, ns) => {
		expect(parseDuration(text)).toEqual({ value: ns });
	});

	it.each([
		['50', /needs a unit/],
		['50 us', /expected a duration/],
		['-5ms', /expected a duration/],
		['1e3ms', /expected a duration/],
		['5min', /unknown unit "min".*ns, us, ms, s/],
		['5µs', /write us/],
		['0.5ns', /finer than a nanosecond/],
		['1..2ms', /expected a duration/],
		['', /expected a duration/],
		['99999999999s', /too long/]
	])('rejects %j', (text, message) => {
		const r = parseDuration(text);
		expect('error' in r && r.error).toMatch(message);
	});
});

describe('parseBandwidth', () => {
	it.each([
		['1Gbps', 1e9],
		['10Gbps', 1e10],
		['2.5Gbps', 2.5e9],
		['100Mbps', 1e8],
		['1.5Kbps', 1500],
		['9600bps', 9600]
	])('%s -> %d bps', (text, bps) => {
		expect(parseBandwidth(text)).toEqual({ value: bps });
	});

	it.each([
		['1gbps', /write Gbps/],
		['1GB', /unknown unit/],
		['0.5bps', /whole number of bits/],
		['fast', /expected a bandwidth/]
	])('rejects %j', (text, message) => {
		const r = parseBandwidth(text);
		expect('error' in r && r.error).toMatch(message);
	});
});

describe('parseSize', () => {
	it.each([
		[0, 0],
		[1500, 1500],
		['64KiB', 65_536],
		['4MiB', 4 * 2 ** 20],
		['4GiB', 4 * 2 ** 30],
		['1.5KiB', 1536],
		['0.5MiB', 2 ** 19]
	])('%j -> %d bytes', (value, bytes) => {
		expect(parseSize(value)).toEqual({ value: bytes });
	});

	it.each([
		[1.5, /whole number/],
		[-1, /whole number/],
		['1500', /without quotes/],
		['0.1KiB', /whole number of bytes/],
		['4GB', /write GiB/],
		['4 GiB', /expected a size/]
	])('rejects %j', (value, message) => {
		const r = parseSize(value);
		expect('error' in r && r.error).toMatch(message);
	});
});

describe('parseRate', () => {
	it('parses pps', () => {
		expect(parseRate('1000pps')).toEqual({ value: 1000 });
		expect(parseRate('0.5pps')).toEqual({ value: 0.5 });
	});
	it('rejects other units', () => {
		const r = parseRate('1000');
		expect('error' in r && r.error).toMatch(/needs a unit \(pps\)/);
		const r2 = parseRate('10kpps');
		expect('error' in r2 && r2.error).toMatch(/unknown unit/);
	});
});

describe('formatters', () => {
	it('formats durations in the largest exact unit', () => {
		expect(formatDuration(0)).toBe('0ns');
		expect(formatDuration(7)).toBe('7ns');
		expect(formatDuration(50_000)).toBe('50us');
		expect(formatDuration(200_000)).toBe('200us');
		expect(formatDuration(1_500_000)).toBe('1.5ms');
		expect(formatDuration(3_000_000_000)).toBe('3s');
	});
	it('formats bandwidths, sizes and rates', () => {
		expect(formatBandwidth(1e9)).toBe('1Gbps');
		expect(formatBandwidth(2.5e9)).toBe('2.5Gbps');
		expect(formatBandwidth(100e6)).toBe('100Mbps');
		expect(formatBandwidth(9600)).toBe('9.6Kbps');
		expect(formatSize(1500)).toBe('1500');
		expect(formatSize(4 * 2 ** 20)).toBe('4MiB');
		expect(formatSize(1536)).toBe('1.5KiB');
		expect(formatRate(1000)).toBe('1000pps');
	});
	it('round-trips through the parsers', () => {
		for (const ns of [0, 1, 999, 50_000, 1_234_567, 10 ** 9, 36 * 10 ** 11]) {
			expect(parseDuration(formatDuration(ns))).toEqual({ value: ns });
		}
		for (const bps of [1, 9600, 1e6, 2.5e9, 4e10]) {
			expect(parseBandwidth(formatBandwidth(bps))).toEqual({ value: bps });
		}
		for (const bytes of [0, 1500, 1536, 2 ** 30]) {
			expect(parseSize(/\D/.test(formatSize(bytes)) ? formatSize(bytes) : Number(formatSize(bytes)))).toEqual({ value: bytes });
		}
	});
});

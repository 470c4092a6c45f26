/**
 * Test helpers for the interchange tests: load a vnet file through the real
 * loader (src/lib/model/load.ts), and find the tools the
 * tool-backed tests need (they fail loudly when a tool is missing).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Topology } from '../../src/lib/model/types';
import { loadTopology } from '../../src/lib/model/load';

/** Loads vnet YAML text; throws with the loader's messages when the file is not valid version 1. */
export async function loadVnet(text: string, file = 'test.vnet.yaml'): Promise<Topology> {
	const r = loadTopology(text, file);
	if (!r.ok) throw new Error(`${file}: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
	return r.topology;
}

export const CONFORMANCE_DIR = path.resolve(__dirname, '../../../shared/conformance');
export const TOPOLOGIES_DIR = path.resolve(__dirname, '../../topologies');
export const PRODUCT_FIXTURES_DIR = path.resolve(__dirname, '../fixtures/products');
export const EXTRA_CONFORMANCE_DIR = path.resolve(__dirname, '../conformance-extra');

/**
 * Every vnet file of topologies/ (and its lessons), the shared and extra conformance suites and
 * the product fixtures. Each must load: a file that stops loading fails here instead of quietly
 * leaving the round-trip sweeps.
 */
export async function allVnetFiles(): Promise<{ file: string; topology: Topology }[]> {
	const out: { file: string; topology: Topology }[] = [];
	const dirs: [string, string][] = [
		[TOPOLOGIES_DIR, ''],
		[path.join(TOPOLOGIES_DIR, 'lessons'), 'lessons/'],
		[CONFORMANCE_DIR, ''],
		[EXTRA_CONFORMANCE_DIR, 'conformance-extra/'],
		[PRODUCT_FIXTURES_DIR, 'fixtures/products/']
	];
	const seen = new Set<string>();
	for (const [d, prefix] of dirs) {
		if (!existsSync(d)) throw new Error(`${d}: the vnet files the sweeps read are missing`);
		for (const f of readdirSync(d).filter((x) => x.endsWith('.vnet.yaml')).sort()) {
			const file = prefix + f;
			if (seen.has(file)) continue;
			seen.add(file);
			out.push({ file, topology: await loadVnet(readFileSync(path.join(d, f), 'utf8'), f) });
		}
	}
	return out;
}

/** Path of a command-line tool, or throws a clear message (CI installs it: see the report). */
export function requireTool(name: string, debianPackage: string): string {
	try {
		return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
	} catch {
		throw new Error(`${name} is not installed: these tests need it (apt-get install -y ${debianPackage})`);
	}
}

export const FIXTURES = path.resolve(__dirname, '../fixtures');

// Generates a large topology (default 2,000 nodes) for the canvas benchmark:
//   node scripts/gen-big.mjs [nodes] [yaml|json] > big.vnet.yaml
// Racks of 1 switch + hosts, switches uplinked to routers in a core ring.
const total = Number(process.argv[2] ?? 2000);
const format = process.argv[3] ?? 'yaml';
const perRack = 24;
const nodes = {};
const links = [];
const racks = Math.ceil(total / (perRack + 1));
const cores = Math.max(2, Math.ceil(racks / 8));
let count = 0;
for (let c = 0; c < cores; c++) {
	nodes[`core${c}`] = { kind: 'router', position: { x: c * 400, y: 0 }, interfaces: {} };
	count++;
}
for (let r = 0; r < racks && count < total; r++) {
	const sw = `sw${r}`;
	const core = `core${r % cores}`;
	const rx = (r % 20) * 700;
	const ry = 300 + Math.floor(r / 20) * 500;
	nodes[sw] = { kind: 'switch', position: { x: rx + 300, y: ry }, interfaces: {} };
	count++;
	const net = `10.${Math.floor(r / 250)}.${r % 250}`;
	const cif = `eth${Object.keys(nodes[core].interfaces).length}`;
	nodes[core].interfaces[cif] = { ip: `${net}.1/24` };
	links.push({ a: `${core}.${cif}`, b: `${sw}.p0` });
	for (let h = 0; h < perRack && count < total; h++) {
		const id = `h${r}-${h}`;
		nodes[id] = {
			kind: 'host',
			position: { x: rx + (h % 8) * 80, y: ry + 120 + Math.floor(h / 8) * 100 },
			interfaces: { eth0: { ip: `${net}.${10 + h}/24`, gateway: `${net}.1` } }
		};
		links.push({ a: `${id}.eth0`, b: `${sw}.p${h + 1}` });
		count++;
	}
}
const doc = { vnet: 1, name: `generated-${total}`, description: `${total} nodes in racks`, nodes, links };
if (format === 'json') process.stdout.write(JSON.stringify(doc, null, 1) + '\n');
else {
	const { stringify } = await import('yaml');
	process.stdout.write(stringify(doc, { lineWidth: 0 }));
}

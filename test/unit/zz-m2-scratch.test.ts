import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromKubernetes } from '../../src/lib/interchange/kube-manifests-import';
import { toKubernetes } from '../../src/lib/interchange/kube-manifests-export';
it('scratch', () => {
	for (const f of (process.env.M2_FILES ?? '').split(',')) {
		const r = fromKubernetes(readFileSync(f, 'utf8'), { file: f, nodes: f.includes('recipes') ? 2 : undefined });
		if (!r.ok) { console.log(r.errors); continue; }
		console.log(f, r.warnings.filter((w) => w.message !== 'not modelled; ignored' && !/ServiceAccount/.test(w.message)).map((w) => `${w.line} ${w.path}: ${w.message}`).join('\n'));
		console.log(JSON.stringify({ svc: r.topology.kubernetes!.services, ns: r.topology.kubernetes!.namespaces, pol: r.topology.kubernetes!.policies }).slice(0, 2500));
		for (const [id, n] of Object.entries(r.topology.nodes)) if (n.kind !== 'container' && n.kind !== 'vm') console.log(id, JSON.stringify(n));
		if (process.env.M2_EXPORT) console.log(toKubernetes(r.topology).yaml);
		require('node:fs').writeFileSync('/tmp/m2/' + f.split('/').pop()!.replace(/\.yaml$/, '.vnet.yaml'), r.yaml);
	}
});

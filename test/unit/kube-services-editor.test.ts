// Editing a design with a LoadBalancer Service: the load balancer's node
// changing kind or being deleted takes only the Service's reference to it
// (listed), never the Service.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { applySteps, formatIssues, planEdit } from '../../src/lib/model/edit-rules';
import { TopologyStore } from '../../src/lib/editor/store';
import { deleteElements, renameNode } from '../../src/lib/editor/commands';

const LB = readFileSync(path.resolve(import.meta.dirname, '../conformance-extra/54-k8s-loadbalancer.vnet.yaml'), 'utf8');
type Svc = Record<string, unknown>;

describe('a LoadBalancer Service when its load balancer goes', () => {
	test('a kind it cannot be drops only load_balancer and external_ip, listed', () => {
		const doc = parse(LB);
		const plan = planEdit(doc, ['nodes', 'lb', 'kind'], 'switch');
		if (!plan.ok) throw new Error(plan.reason);
		const after = applySteps(doc, plan.steps) as { kubernetes: { services: Record<string, Svc> } };
		expect(formatIssues(after)).toEqual([]);
		const { web, api } = after.kubernetes.services;
		expect(web).toMatchObject({ type: 'LoadBalancer', cluster_ip: '10.96.0.10' });
		expect(web.load_balancer).toBeUndefined();
		expect(web.external_ip).toBeUndefined();
		expect(api.load_balancer).toBeUndefined();
		expect(plan.dropped).toEqual(expect.arrayContaining(['kubernetes.services.web.load_balancer', 'kubernetes.services.web.external_ip', 'kubernetes.services.api.load_balancer']));
	});
	test('deleting it keeps the Services, valid, without the reference', () => {
		const s = new TopologyStore(LB, 'lb.vnet.yaml');
		expect(deleteElements(s, { nodes: ['lb'] })).toBe(true);
		expect(s.valid, s.errors.map((e) => e.message).join('; ')).toBe(true);
		const services = s.topology!.kubernetes!.services;
		expect(Object.keys(services)).toEqual(['web', 'api']);
		expect(services.web.load_balancer).toBeUndefined();
		expect(services.web.external_ip).toBeUndefined();
		expect(services.web.ports[0].node_port).toBe(30080);
	});
	test('renaming it, or a Kubernetes node or pod, follows in the kubernetes section', () => {
		const s = new TopologyStore(LB, 'lb.vnet.yaml');
		expect(renameNode(s, 'lb', 'edge-lb')).toBe(true);
		expect(renameNode(s, 'n1', 'node-1')).toBe(true);
		expect(renameNode(s, 'api-a', 'api-0')).toBe(true);
		expect(s.valid, s.errors.map((e) => e.message).join('; ')).toBe(true);
		const k = s.topology!.kubernetes!;
		expect(k.services.web.load_balancer).toBe('edge-lb');
		expect(Object.keys(k.nodes)).toEqual(['node-1', 'n2']);
		expect(k.pods['api-0']).toMatchObject({ node: 'node-1' });
	});
});

/** The types of the optional `kubernetes:` section (its schema and helpers: kube.ts). */

export type Labels = Record<string, string>;

export interface KubeNodeSpec {
	pod_cidr?: string;
	/** false: the node is NotReady (its pods are no endpoints, load balancers skip it); absent: ready */
	ready?: boolean;
}
/** How the control plane reacts to a failed node in a scenario (docs/kubernetes.md "Scenarios"). */
export interface KubeNodeFailure {
	/** fault → node NotReady, its pods removed from the endpoints (node-monitor grace period), ns */
	detection: number;
	/** NotReady → its pods restarted on the other nodes (the not-ready toleration), ns */
	restart: number;
}
export interface KubePodSpec {
	node: string;
	namespace: string;
	labels: Labels;
	ready: boolean;
}
export interface KubeServicePort {
	port: number;
	target_port: number;
	protocol: 'tcp' | 'udp';
	/** NodePort/LoadBalancer: the port every node accepts (model/kube-services.ts) */
	node_port?: number;
}
export type KubeServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';
export type KubeTrafficPolicy = 'Cluster' | 'Local';
export interface KubeServiceSpec {
	namespace: string;
	cluster_ip: string;
	selector: Labels;
	ports: KubeServicePort[];
	/** absent: ClusterIP */
	type?: KubeServiceType;
	/** NodePort/LoadBalancer; absent: Cluster */
	external_traffic_policy?: KubeTrafficPolicy;
	/** LoadBalancer: the node (load-balancer, or a host acting as one) that forwards to the nodes */
	load_balancer?: string;
	/** LoadBalancer: the address it is reached at; absent: the load balancer's vip, else its first address */
	external_ip?: string;
}
export interface KubernetesSection {
	service_cidr?: string;
	/** "30000-32767" when absent (kube-apiserver's --service-node-port-range) */
	node_port_range?: string;
	nodes: Record<string, KubeNodeSpec>;
	pods: Record<string, KubePodSpec>;
	services: Record<string, KubeServiceSpec>;
	/** optional: scenario timing of a node failure (defaults: 40 s, 300 s) */
	node_failure?: KubeNodeFailure;
	/** optional: namespace labels, for namespace selectors (model/kube-policy.ts) */
	namespaces?: Record<string, KubeNamespaceSpec>;
	/** optional: NetworkPolicies (model/kube-policy.ts) */
	policies?: Record<string, KubePolicySpec>;
}

// ---- NetworkPolicy (model/kube-policy.ts): types only here, so neither module imports the other's code

export interface KubeNamespaceSpec {
	labels: Labels;
}
export interface SelectorExpression {
	key: string;
	operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
	values: string[];
}
/** Kubernetes' LabelSelector: every match_labels pair and every expression must hold; empty selects all. */
export interface LabelSelector {
	match_labels: Labels;
	match_expressions: SelectorExpression[];
}
export interface IpBlock {
	cidr: string;
	except: string[];
}
/** One `from`/`to` entry: pods by selector (in namespaces by selector), or addresses. */
export interface PolicyPeer {
	pod_selector?: LabelSelector;
	namespace_selector?: LabelSelector;
	ip_block?: IpBlock;
}
export interface PolicyPort {
	protocol: 'tcp' | 'udp';
	/** absent: every port of the protocol */
	port?: number;
	end_port?: number;
}
export interface PolicyIngressRule {
	from: PolicyPeer[];
	ports: PolicyPort[];
}
export interface PolicyEgressRule {
	to: PolicyPeer[];
	ports: PolicyPort[];
}
export type PolicyType = 'Ingress' | 'Egress';
export interface KubePolicySpec {
	namespace: string;
	pod_selector: LabelSelector;
	/** as written, or Kubernetes' default: Ingress, plus Egress when `egress` has a rule */
	policy_types: PolicyType[];
	ingress: PolicyIngressRule[];
	egress: PolicyEgressRule[];
}

/** A cross-reference error of the section, located at its field. */
export interface KubeIssue {
	path: (string | number)[];
	message: string;
}

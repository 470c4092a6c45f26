/** The types of the optional `kubernetes:` section (its schema and helpers: kube.ts). */

export type Labels = Record<string, string>;

export interface KubeNodeSpec {
	pod_cidr?: string;
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
}

/** A cross-reference error of the section, located at its field. */
export interface KubeIssue {
	path: (string | number)[];
	message: string;
}

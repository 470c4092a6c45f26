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
}
export interface KubeServiceSpec {
	namespace: string;
	cluster_ip: string;
	selector: Labels;
	ports: KubeServicePort[];
}
export interface KubernetesSection {
	service_cidr?: string;
	nodes: Record<string, KubeNodeSpec>;
	pods: Record<string, KubePodSpec>;
	services: Record<string, KubeServiceSpec>;
}

/** Compiled Services for kube-proxy (built by kube.ts, read by probe/kube-proxy.ts). */

/** kube-proxy's (or a Service's load balancer's) decision on a trace hop (`Hop.kube`), typed for tools and the animation. */
export interface KubeStep {
	/** DNAT of a ClusterIP, of a node port, of a load balancer to a node port; REJECT (no ready endpoint); DROP (Local, no endpoint on this node) */
	step: 'cluster-ip' | 'node-port' | 'load-balancer' | 'reject' | 'no-local-endpoint';
	/** "namespace/name" */
	service: string;
	/** the pod (cluster-ip, node-port) or the node (load-balancer) chosen */
	to?: string;
	/** its rank among `of` candidates, from 0 */
	index?: number;
	of?: number;
	/** the destination "ip:port" before and after the DNAT (the inspector shows both) */
	before?: string;
	after?: string;
	/** the connection is masqueraded (externalTrafficPolicy Cluster, a load balancer's snat) */
	masquerade?: boolean;
}

export interface KubeEndpoint {
	pod: string;
	addr: number;
	port: number;
}

export interface KubeServicePortC {
	/** "namespace/name" */
	service: string;
	/** document path of the Service, for the trace's ref */
	path: string;
	endpoints: KubeEndpoint[];
}

export interface KubeNet {
	/** node indexes that run kube-proxy */
	proxyNodes: Set<number>;
	/** `${proto}/${clusterIP u32}/${port}` → the Service port */
	ports: Map<string, KubeServicePortC>;
	/** NodePort and LoadBalancer Services (kube-nodeport.ts) */
	external: KubeNodePorts;
}

/** A node port (NodePort and LoadBalancer Services; built by kube-nodeport.ts). */
export interface KubeNodePortC {
	/** "namespace/name" */
	service: string;
	path: string;
	/** externalTrafficPolicy: Cluster masquerades, Local keeps the client and answers only with a local endpoint */
	local: boolean;
	/** ready endpoints, in pod id order, each with its node's index */
	endpoints: (KubeEndpoint & { node: number })[];
}

/** A LoadBalancer Service's address on its load-balancer node. */
export interface KubeLbC {
	service: string;
	path: string;
	nodePort: number;
	/** masquerade to the load balancer's own address (a load-balancer node's `snat`, default true) */
	snat: boolean;
	/** nodes its health check passes, in node id order: all with Cluster, those with a local endpoint with Local */
	healthy: { node: string; addr: number }[];
}

export interface KubeNodePorts {
	/** `${proto}/${nodePort}` → the node port, open on every Kubernetes node's addresses */
	nodePorts: Map<string, KubeNodePortC>;
	/** load-balancer node index → `${proto}/${external IP u32}/${port}` → the Service behind it */
	lbs: Map<number, Map<string, KubeLbC>>;
}

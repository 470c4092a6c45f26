/** Compiled Services for kube-proxy (built by kube.ts, read by probe/kube-proxy.ts). */

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
}

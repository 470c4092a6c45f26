/** Compiled NetworkPolicy data (built by kube-netpol.ts, read by probe/kube-policy.ts); types only, so net-types.ts can name it without a cycle. */
import type { KubernetesSection } from '../model/kube-types';

export interface NetpolPod {
	id: string;
	/** "namespace/id", as traces name it */
	name: string;
	/** index of the Kubernetes node it runs on (traffic to and from it is always allowed) */
	node: number;
}

export interface NetpolNet {
	k: KubernetesSection;
	/** compiled node index of a pod → the pod */
	pods: Map<number, NetpolPod>;
	/** address → pod id owning it */
	addrPod: Map<number, string>;
}

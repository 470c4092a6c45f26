/**
 * The one load-balancing rule of vnet's load balancers (the load-balancer
 * kind's pool, and a Kubernetes LoadBalancer Service's nodes): the index of
 * the backend is (client address + client port) modulo the healthy backends,
 * in their documented order.
 */
export function lbChoice(count: number, src: number, sport: number): number {
	return (src + sport) % count;
}

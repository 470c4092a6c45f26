/**
 * Facts about node kinds, in one place (the product presets' own table is
 * products.ts). Everything that asks "does this kind forward?" or "is this an
 * endpoint?" reads these sets.
 */
import type { Kind } from './types';

/** Kinds that route between their interfaces (ip_forward on). */
export const FORWARDING_KINDS: ReadonlySet<Kind> = new Set(['router', 'firewall', 'nat-gateway', 'load-balancer']);

/** Kinds a probe can start from or end at, and that answer pings of their own addresses as hosts. */
export const ENDPOINT_KINDS: ReadonlySet<Kind> = new Set(['host', 'vm', 'container', 'hypervisor', 'internet']);

/** Endpoints drawn as leaves on the canvas (a hypervisor is drawn as a box around its guests). */
export const LEAF_ENDPOINT_KINDS: ReadonlySet<Kind> = new Set(['host', 'vm', 'container', 'internet']);

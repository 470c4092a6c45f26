/** One colour per outcome, shared by the animation, the verdict, the matrix and its legend. */
import type { Disposition } from '$lib/model/types';

export const DISPOSITION_COLOR: Record<Disposition, string> = {
	DELIVERED: '#22c55e',
	EXITS_NETWORK: '#2dd4bf',
	REFUSED: '#60a5fa',
	DENIED: '#ef4444',
	NO_ROUTE: '#a78bfa',
	NULL_ROUTED: '#475569',
	HOST_UNREACHABLE: '#f472b6',
	TTL_EXCEEDED: '#fb923c',
	FRAGMENTATION_NEEDED: '#facc15',
	DROPPED: '#a8a29e'
};

/** What a person calls each outcome. */
export const DISPOSITION_LABEL: Record<Disposition, string> = {
	DELIVERED: 'Delivered',
	EXITS_NETWORK: 'Exits network',
	REFUSED: 'Refused',
	DENIED: 'Denied',
	NO_ROUTE: 'No route',
	NULL_ROUTED: 'Null-routed',
	HOST_UNREACHABLE: 'Host unreachable',
	TTL_EXCEEDED: 'TTL exceeded',
	FRAGMENTATION_NEEDED: 'Fragmentation needed',
	DROPPED: 'Dropped'
};

/** Packet colours on the canvas. */
export const PACKET = {
	request: '#38bdf8',
	reply: '#4ade80',
	/** an error coming back: ICMP error or RST */
	error: '#fb7185',
	arp: '#fbbf24'
};

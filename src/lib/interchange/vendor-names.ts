/**
 * Port names of network operating systems in containerlab labs, one table per
 * vendor kind: the names a lab may write for a port (containerlab's Linux name
 * and the NOS's own name, which containerlab accepts as an "interface alias"
 * since 0.56), the NOS's own name, and one valid vnet name for the port, so
 * that `e1-1` and `ethernet-1/1` on an SR Linux node are the same vnet
 * interface.
 *
 * Sources: containerlab.dev/manual/topo-def-file (#interface-naming, the
 * alias rule) and the kind pages under containerlab.dev/manual/kinds/
 * (srl, ceos, crpd, xrd, vr-xrv9k, sros, vr-vmx, vr-vjunosswitch, vr-vjunosrouter,
 * sonic-vs).
 *
 * vnet names (`^[a-z][a-z0-9]{0,10}$`) keep the NOS's numbers apart with `x`
 * where the NOS writes `/` or `-`, so `ethernet-1/11` (e1x11) and a breakout
 * `ethernet-1/1/1` (e1x1x1) never collide.
 */

export interface VendorPort {
	/** the vnet interface name */
	vnet: string;
	/** the name the NOS itself shows, e.g. `ethernet-1/1` */
	vendor: string;
}

interface VendorNames {
	/** for messages: "SR Linux" */
	name: string;
	kinds: RegExp;
	/** a name written in the lab → the port, or undefined when the name is not one of this NOS's ports */
	port(name: string): VendorPort | undefined;
}

const x = (parts: string[]) => parts.map(Number).join('x');

const TABLES: VendorNames[] = [
	{
		// e1-1 (Linux) / ethernet-1/1 (alias); breakouts e1-1-1 / ethernet-1/1/1
		name: 'SR Linux',
		kinds: /^(srl|nokia_srlinux)$/,
		port(s) {
			const m = /^e(\d+)-(\d+)(?:-(\d+))?$/.exec(s) ?? /^ethernet-(\d+)\/(\d+)(?:\/(\d+))?$/i.exec(s);
			if (!m) return undefined;
			const parts = m.slice(1).filter((p) => p !== undefined);
			return { vnet: 'e' + x(parts), vendor: 'ethernet-' + parts.map(Number).join('/') };
		}
	},
	{
		// eth1 (Linux) / Ethernet1 or Et1 (alias); breakouts eth1_1 / Ethernet1/1
		name: 'Arista EOS',
		kinds: /^(ceos|arista_ceos)$/,
		port(s) {
			const m = /^eth(\d+)(?:_(\d+))?$/.exec(s) ?? /^(?:ethernet|et)(\d+)(?:\/(\d+))?$/i.exec(s);
			if (!m) return undefined;
			const parts = m.slice(1).filter((p) => p !== undefined);
			return { vnet: 'eth' + x(parts), vendor: 'Ethernet' + parts.map(Number).join('/') };
		}
	},
	{
		// cRPD routes on the container's own Linux interfaces: the names are the NOS's names
		name: 'Junos cRPD',
		kinds: /^(crpd|juniper_crpd)$/,
		port: (s) => (/^eth\d+$/.test(s) ? { vnet: s, vendor: s } : undefined)
	},
	{
		// XRd: Gi0-0-0-0 (Linux) / GigabitEthernet0/0/0/0 or Gi0/0/0/0 (alias);
		// the vrnetlab XRv kinds: eth1 is Gi0/0/0/0
		name: 'IOS XR',
		kinds: /^(xrd|cisco_xrd|cisco_xrv9k|cisco_xrv|vr-xrv9k|vr-xrv)$/,
		port(s) {
			const m = /^gi(\d+)-(\d+)-(\d+)-(\d+)$/i.exec(s) ?? /^(?:gigabitethernet|gi)(\d+)\/(\d+)\/(\d+)\/(\d+)$/i.exec(s);
			const eth = /^eth(\d+)$/.exec(s);
			const parts = m ? m.slice(1) : eth && +eth[1] >= 1 ? ['0', '0', '0', String(+eth[1] - 1)] : undefined;
			if (!parts) return undefined;
			return { vnet: 'gi' + x(parts), vendor: 'GigabitEthernet' + parts.map(Number).join('/') };
		}
	},
	{
		// SR OS: 1/1/1, or 1/1/c1/1 on connector ports (the names containerlab accepts);
		// its ethN numbering depends on the chassis type, so ethN is kept as written
		name: 'SR OS',
		kinds: /^(sros|nokia_sros|vr-sros|nokia_srsim)$/,
		port(s) {
			const m = /^(\d+)\/(\d+)\/(?:c(\d+)\/)?(\d+)$/.exec(s);
			if (!m) return undefined;
			const [, slot, mda, conn, port] = m;
			const vnet = conn === undefined ? `e${x([slot, mda, port])}` : `e${x([slot, mda])}c${+conn}x${+port}`;
			const vendor = conn === undefined ? `${+slot}/${+mda}/${+port}` : `${+slot}/${+mda}/c${+conn}/${+port}`;
			return { vnet, vendor };
		}
	},
	{
		// sonic-vs: SONiC keeps the Linux names; eth1 carries port Ethernet0, eth2 Ethernet4, ...
		// (four lanes per port), so both are accepted and the Linux name is the vnet name
		name: 'SONiC',
		kinds: /^sonic-vs$/,
		port(s) {
			const eth = /^eth(\d+)$/.exec(s);
			const nos = /^Ethernet(\d+)$/.exec(s);
			const n = eth && +eth[1] >= 1 ? +eth[1] : nos && +nos[1] % 4 === 0 ? +nos[1] / 4 + 1 : undefined;
			return n === undefined ? undefined : { vnet: `eth${n}`, vendor: `Ethernet${(n - 1) * 4}` };
		}
	},
	{
		// vJunos / vMX / vQFX (vrnetlab): eth1 is ge-0/0/0; ge-, xe- and et- names accepted
		name: 'Junos',
		kinds: /^(vjunos|juniper_vjunos\w*|juniper_vmx|juniper_vqfx|juniper_cjunosevolved|vr-vmx|vr-vqfx|vr-vjunos\w*)$/,
		port(s) {
			const m = /^(ge|xe|et)-(\d+)\/(\d+)\/(\d+)$/.exec(s);
			const eth = /^eth(\d+)$/.exec(s);
			const [pfx, parts] = m ? [m[1], m.slice(2)] : eth && +eth[1] >= 1 ? ['ge', ['0', '0', String(+eth[1] - 1)]] : [undefined, undefined];
			if (!pfx || !parts) return undefined;
			return { vnet: pfx + x(parts), vendor: `${pfx}-${parts.map(Number).join('/')}` };
		}
	}
];

function tableOf(kind: string): VendorNames | undefined {
	return TABLES.find((t) => t.kinds.test(kind));
}

/** The port a name written in a lab names on a node of containerlab kind `kind`, when that kind has a naming table. */
export function vendorPort(kind: string, name: string): (VendorPort & { nos: string }) | undefined {
	const t = tableOf(kind);
	const p = t?.port(name);
	if (!t || !p || p.vnet.length > 11) return undefined;
	return { ...p, nos: t.name };
}


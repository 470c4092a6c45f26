#!/usr/bin/env python3
"""vnet kernel oracle with overlays (docs/overlays.md).

Runs kernel-oracle.py (the base, imported unchanged) on topology files that use
`overlay:` segments, building each segment the way Linux does on every hypervisor
it spans:

  - one bridge per segment per host (`OV<vni>`), holding the host's guests on it;
  - one VXLAN device per segment per host on that bridge:
        ip link add vx<vni> type vxlan id VNI local <vtep> dstport 4789 nolearning
    with its MTU raised to the maximum (65535), so the inner frame is limited by
    the guests' MTUs and the outer packet by the underlay (the VTEP itself does
    not cap the inner frame, as with Open vSwitch);
  - head-end replication: one all-zeros FDB entry per other VTEP of the VNI:
        bridge fdb append 00:00:00:00:00:00 dev vx<vni> dst <remote vtep>

    python3 oracle_vxlan.py FILE.vnet.yaml [...] [--json] [--keep] [-v]

The outer header's DF bit and the source port are the kernel's defaults (`df unset`:
DF clear; source port hashed from the inner flow).

With `overlay.controller` (ARP suppression), each VXLAN device also gets `proxy` and, for
every guest of its segment on another host, `ip neigh replace IP lladdr MAC dev vx<vni> nud
permanent` and `bridge fdb append MAC dev vx<vni> dst <its VTEP>`: the source VTEP answers
ARP for it, as a controller programs it.

The distributed firewall (`overlay.firewall`, `overlay.groups`, guests' `tags`) is
iptables on each host's bridge ports, seen by br_netfilter
(`net.bridge.bridge-nf-call-iptables=1` in the host's netns):

  - FORWARD jumps to DFW for bridged packets; DFW accepts ESTABLISHED,RELATED
    (the host's conntrack), then sends a packet entering from a guest's port
    (`-m physdev --physdev-in PORT`) through that vNIC's `out` chain and one
    leaving by a guest's port (`--physdev-out PORT`) through its `in` chain;
  - each vNIC chain holds the rules that apply to it, in file order (allow:
    RETURN, so the other vNIC's chain still runs; deny: DROP; reject: REJECT
    with tcp-reset or icmp-admin-prohibited), then the firewall's default.

Distributed routers (`overlay.routers`) are a VRF-less Linux router in each host that hosts
one of a router's segments (ip_forward on): the gateway address on that segment's bridge, every
bridge of the router with the same MAC (`ip link set OV<vni> address MAC`, which is also the
bridge's permanent local FDB entry, so the MAC arriving over VXLAN from another host is not
learned on the VXLAN port), every segment of the router present on every such host, the
guests of its segments as permanent neighbours (`ip neigh replace ... nud permanent`, as a
controller programs them: an ARP reply to the shared MAC stays on the guest's host), and
policy routing (`ip rule add iif OV<vni> lookup T`) so that the router's connected routes and
its default route via the `uplink` edge do not touch the host's own (underlay) table.
"""
import importlib.util
import ipaddress
import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('kernel_oracle', os.path.join(_HERE, 'kernel-oracle.py'))
base = importlib.util.module_from_spec(_spec)
sys.modules['kernel_oracle'] = base
_spec.loader.exec_module(base)

base.TOP_KEYS = base.TOP_KEYS | {'overlay'}
base.NODE_KEYS = base.NODE_KEYS | {'vtep', 'tags'}
base.IF_KEYS = base.IF_KEYS | {'segment'}
VX_MTU = 65535


def segment_ifaces(t):
    """(guest, ifn, iface, host) for every interface on an overlay segment."""
    for nid, n in t.nodes.items():
        for ifn, i in n['interfaces'].items():
            if i.get('segment'):
                yield nid, ifn, i, n['on']


def vtep_ip(t, hv):
    v = t.nodes[hv].get('vtep')
    if not v:
        raise base.BadInput(f'nodes.{hv}.vtep: missing (its guests join a segment)')
    return str(t.ifaces(hv)[v['interface']]['ip']).split('/')[0]


_orig_build = base.Lab.build
_orig_attach = base.Lab.build_attachments


def build(self):
    # Segment interfaces are cabled by build_overlay, not left unlinked by the base build.
    for _, _, i, _ in segment_ifaces(self.t):
        i['attach'] = '__segment'
    _orig_build(self)


def build_attachments(self, bridged_uplinks):
    seg = list(segment_ifaces(self.t))
    for _, _, i, _ in seg:
        i.pop('attach', None)
    hidden = {}
    order = {nid: list(self.t.nodes[nid]['interfaces']) for nid, _, _, _ in seg}
    for nid, ifn, i, _ in seg:   # the base builds attachments only: hide the segment ones
        hidden[(nid, ifn)] = self.t.nodes[nid]['interfaces'].pop(ifn)
    try:
        _orig_attach(self, bridged_uplinks)
    finally:
        for (nid, ifn), i in hidden.items():
            self.t.nodes[nid]['interfaces'][ifn] = i
        # put them back in file order: a node's first address (a probe's source) is its first interface's
        for nid, names in order.items():
            ifs = self.t.nodes[nid]['interfaces']
            self.t.nodes[nid]['interfaces'] = {n: ifs[n] for n in names}
    build_overlay(self, seg)


def build_overlay(self, seg):
    t = self.t
    segments = (t.d.get('overlay') or {}).get('segments') or {}
    hosts = {}
    for _, _, i, hv in seg:
        hosts.setdefault(i['segment'], set()).add(hv)
    for _, r, rhosts in routers(t):   # a router's instance needs all its segments on its host
        for s in r['segments']:
            hosts.setdefault(s, set()).update(rhosts)
    gctr = 0
    for name, hvs in hosts.items():
        vni = int(segments[name]['vni'])
        for hv in sorted(hvs):
            ns = base.nsname(hv)
            br, vx = 'OV%d' % vni, 'vx%d' % vni
            base.run(['ip', '-n', ns, 'link', 'add', br, 'type', 'bridge', 'stp_state', '0'])
            base.run(['ip', '-n', ns, 'link', 'set', 'dev', br, 'up'])
            base.run(['ip', '-n', ns, 'link', 'add', vx, 'type', 'vxlan', 'id', str(vni), 'local', vtep_ip(t, hv),
                      'dstport', '4789', 'nolearning'] + (['proxy'] if (t.d.get('overlay') or {}).get('controller') else []))
            base.run(['ip', '-n', ns, 'link', 'set', 'dev', vx, 'mtu', str(VX_MTU), 'master', br, 'up'])
            for other in sorted(hvs - {hv}):
                base.run(['bridge', '-n', ns, 'fdb', 'append', '00:00:00:00:00:00', 'dev', vx, 'dst', vtep_ip(t, other)])
    for nid, ifn, i, hv in seg:
        gctr += 1
        g = 'S%d' % gctr
        self.veth(base.nsname(nid), ifn, base.nsname(hv), g)
        self.seg_port = getattr(self, 'seg_port', {})
        self.seg_port[(nid, ifn)] = (hv, g, i['segment'])
        br = 'OV%d' % int(segments[i['segment']]['vni'])
        base.run(['ip', '-n', base.nsname(hv), 'link', 'set', 'dev', g, 'master', br, 'mtu', str(i.get('mtu', 1500)), 'up'])
        self.dev_of[(nid, ifn)] = ifn


def group_guests(t, name):
    g = ((t.d.get('overlay') or {}).get('groups') or {}).get(name) or {}
    tags = set(g.get('tags') or [])
    out = set(g.get('members') or [])
    for nid, n in t.nodes.items():
        if t.kind(nid) in ('vm', 'container') and tags & set(n.get('tags') or []):
            out.add(nid)
    return out


def dfw_addrs(t, ref):
    groups = (t.d.get('overlay') or {}).get('groups') or {}
    if ref in groups:
        return [a for nid in sorted(group_guests(t, ref)) for a in t.addrs(nid)] or ['0.0.0.0/32']
    return t.resolve(ref)


def applies(t, r, nid, segment):
    names = r.get('applied_to') or []
    return not names or any(n == segment or n == nid or nid in group_guests(t, n) for n in names)


def dfw_rule_lines(t, chain, r, ri):
    act = r.get('action', 'allow')
    proto = r.get('proto')
    m = []
    if proto and proto != 'any':
        m.append(f'-p {proto}')
    if r.get('sport') is not None:
        m.append('--sport ' + str(r['sport']).replace('-', ':'))
    if r.get('port') is not None:
        m.append('--dport ' + str(r['port']).replace('-', ':'))
    tag = f'-m comment --comment vk-{act}-dfw{ri}'
    out = []
    for s in dfw_addrs(t, r.get('from')):
        for d in dfw_addrs(t, r.get('to')):
            mm = ' '.join(m + ([f'-s {s}'] if s else []) + ([f'-d {d}'] if d else []))
            if act == 'allow':
                out.append(f'-A {chain} {mm} -j RETURN')
            elif act == 'deny':
                out.append(f'-A {chain} {mm} {tag} -j DROP')
            elif proto == 'tcp':
                out.append(f'-A {chain} {mm} {tag} -j REJECT --reject-with tcp-reset')
            elif proto in (None, 'any'):
                out.append(f'-A {chain} -p tcp {mm} {tag} -j REJECT --reject-with tcp-reset')
                out.append(f'-A {chain} {mm} {tag} -j REJECT --reject-with icmp-admin-prohibited')
            else:
                out.append(f'-A {chain} {mm} {tag} -j REJECT --reject-with icmp-admin-prohibited')
    return out


_orig_filters = base.Lab.configure_filters


def routers(t):
    """(name, router, hosts): the hosts of every guest of any of its segments."""
    gh = {}
    for _, _, i, hv in segment_ifaces(t):
        gh.setdefault(i['segment'], set()).add(hv)
    for name, r in ((t.d.get('overlay') or {}).get('routers') or {}).items():
        yield name, r, set().union(set(), *[gh.get(s, set()) for s in r['segments']])


def build_routers(self):
    t = self.t
    segments = (t.d.get('overlay') or {}).get('segments') or {}
    ports = getattr(self, 'seg_port', {})
    for ri, (name, r, hosts) in enumerate(routers(t)):
        mac = r.get('mac') or '02:00:00:d1:00:%02x' % (ri + 1)
        table = str(100 + ri)
        up = None
        if r.get('uplink'):
            for i in t.nodes[r['uplink']]['interfaces'].values():
                if i.get('segment') in r['segments'] and i.get('ip'):
                    up = str(ipaddress.ip_interface(i['ip']).ip)
                    break
        for hv in sorted(hosts):
            for k in ('net.ipv4.ip_forward=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0'):
                base.nsx(hv, 'sysctl', '-q', '-w', k)
            lines = []
            for seg, cidr in r['segments'].items():
                br = 'OV%d' % int(segments[seg]['vni'])
                net = str(ipaddress.ip_interface(cidr).network)
                for cmd in (['ip', 'link', 'set', 'dev', br, 'address', mac], ['ip', 'addr', 'add', cidr, 'dev', br],
                            ['ip', 'rule', 'add', 'iif', br, 'lookup', table], ['ip', 'route', 'add', net, 'dev', br, 'table', table]):
                    base.nsx(hv, *cmd)
                    lines.append(' '.join(cmd))
                for (nid, ifn), (_, _, sg) in sorted(ports.items()):
                    ip = t.nodes[nid]['interfaces'][ifn].get('ip')
                    if sg != seg or not ip or nid == hv:
                        continue
                    gmac = json.loads(base.nsx(nid, 'ip', '-j', 'link', 'show', 'dev', self.dev_of[(nid, ifn)]).stdout)[0]['address']
                    cmd = ['ip', 'neigh', 'replace', str(ipaddress.ip_interface(ip).ip), 'lladdr', gmac, 'dev', br, 'nud', 'permanent']
                    base.nsx(hv, *cmd)
                    lines.append(' '.join(cmd))
            if up:
                base.nsx(hv, 'ip', 'route', 'add', 'default', 'via', up, 'table', table)
                lines.append(f'ip route add default via {up} table {table}')
            self.log(hv, '\n'.join(lines))


def arp_suppression(self):
    """With an overlay controller: the VXLAN device answers ARP for remote guests (`proxy`) from
    permanent neighbour entries, with their MACs in the FDB towards their host's VTEP."""
    t = self.t
    segments = (t.d.get('overlay') or {}).get('segments') or {}
    ports = getattr(self, 'seg_port', {})
    for (nid, ifn), (hv, port, segment) in sorted(ports.items()):
        vx = 'vx%d' % int(segments[segment]['vni'])
        ip = str(ipaddress.ip_interface(t.nodes[nid]['interfaces'][ifn]['ip']).ip)
        mac = json.loads(base.nsx(nid, 'ip', '-j', 'link', 'show', 'dev', ifn).stdout)[0]['address']
        for other in sorted({h for (h, _, sg) in ports.values() if sg == segment} - {hv}):
            base.nsx(other, 'ip', 'neigh', 'replace', ip, 'lladdr', mac, 'dev', vx, 'nud', 'permanent')
            base.nsx(other, 'bridge', 'fdb', 'append', mac, 'dev', vx, 'dst', vtep_ip(t, hv))


def routed_segment(t, segment):
    return any(segment in r['segments'] for _, r, _ in routers(t))


def configure_filters(self):
    _orig_filters(self)
    t = self.t
    if (t.d.get('overlay') or {}).get('controller'):
        arp_suppression(self)
    build_routers(self)
    fw = (t.d.get('overlay') or {}).get('firewall')
    if fw is None:
        return
    default = fw.get('default', 'allow')
    segments = (t.d.get('overlay') or {}).get('segments') or {}
    rules = fw.get('rules') or []
    by_host = {}
    for (nid, ifn), (hv, port, segment) in sorted(getattr(self, 'seg_port', {}).items()):
        if t.kind(nid) in ('vm', 'container'):   # an edge on a segment has its own rules, not the DFW
            by_host.setdefault(hv, []).append((nid, port, segment, t.nodes[nid]['interfaces'][ifn].get('ip')))
    for hv, ports in by_host.items():
        base.nsx(hv, 'sysctl', '-q', '-w', 'net.bridge.bridge-nf-call-iptables=1')
        lines = [':DFW - [0:0]', '-A DFW -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT']
        chains = []
        for nid, port, segment, gip in ports:
            for d, flag in (('out', '--physdev-in'), ('in', '--physdev-out')):
                c = f'D{d[0].upper()}{port}'
                lines.insert(0, f':{c} - [0:0]')
                lines.append(f'-A DFW -m physdev {flag} {port} -j {c}')
                # Routed by a distributed router onto this guest's bridge: FORWARD sees the bridge
                # device, not the port (chosen after routing), so the vNIC is its address there.
                if d == 'in' and gip and routed_segment(t, segment):
                    br = 'OV%d' % int(segments[segment]['vni'])
                    lines.append(f'-A DFW -o {br} -d {ipaddress.ip_interface(gip).ip} -j {c}')
                for ri, r in enumerate(rules):
                    if r.get('direction', 'both') in (d, 'both') and applies(t, r, nid, segment):
                        chains.extend(dfw_rule_lines(t, c, r, ri))
                chains.append(f'-A {c} -m comment --comment vk-policy-dfw -j DROP' if default == 'deny' else f'-A {c} -j RETURN')
        lines.append('-A DFW -j ACCEPT')
        # bridged packets, and packets a distributed router routes: both came in by a bridge port
        txt = '*filter\n' + '\n'.join(lines + chains) + '\n-I FORWARD 1 -m physdev --physdev-is-in -j DFW\nCOMMIT\n'
        base.nsx(hv, 'iptables-restore', '--noflush', inp=txt)
        self.tags[hv] = True
        self.log(hv, txt)


base.Lab.build = build
base.Lab.build_attachments = build_attachments
base.Lab.configure_filters = configure_filters

if __name__ == '__main__':
    sys.exit(base.main())

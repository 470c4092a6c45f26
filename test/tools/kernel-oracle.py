#!/usr/bin/env python3
"""vnet kernel oracle.

Builds each vnet topology file in Linux network namespaces (prefix `vk`), runs
the file's probe checks from the `from` node with real sockets, observes what
the kernel did (replies, ICMP errors, local errno, iptables counters, what the
destination's interfaces received) and classifies the outcome into the spec's
dispositions.  Prints per check: file, index, expected, observed, PASS/FAIL.

    python3 kernel-oracle.py FILE.vnet.yaml [...] [--json] [--keep] [-v]

This copy (test/tools/) also builds some product hypervisors (presets.md) as the
plain Linux they expand to: a product segment the host is on is a bridge holding
the host's address (VirtualBox host-only, VMware host-only, libvirt nat and
isolated, Docker bridge, LXC nat, Hyper-V internal), and a probe from a product
hypervisor leaves from the address the kernel itself picks for the route (an
unbound socket), not from the node's first address. Only the segments are
modelled: the products' own firewalls (libvirt's rejects, Docker's isolation)
are not, so use it for traffic between the host and its guests.

Needs root, iproute2, iptables (nft or legacy), conntrack, python3-yaml.
Always tears down every netns it created (all named vk*), even on error.
"""
import argparse
import errno as E
import fcntl
import hashlib
import ipaddress
import json
import os
import tempfile
import random
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

PREFIX = 'vk'
RUNDIR = os.path.join(tempfile.gettempdir(), 'vk-oracle')
LOCK = '/run/vk-oracle.lock'
PROBE_TIMEOUT = 1.6
SELF = os.path.abspath(__file__)

IP_MTU_DISCOVER = 10
IP_MTU = 14
IP_RECVERR = 11
PMTU_DONT, PMTU_DO = 0, 2

FORWARDING = {'router', 'firewall', 'nat-gateway', 'load-balancer'}
ENDPOINTS = {'host', 'vm', 'container', 'hypervisor', 'internet'}
KINDS = FORWARDING | ENDPOINTS | {'switch', 'sdn-controller'}
DEFAULT_POLICY = {'firewall': 'deny'}
DEFAULT_STATEFUL = {'firewall': True, 'nat-gateway': True, 'load-balancer': True}
DISPOSITIONS = {'DELIVERED', 'EXITS_NETWORK', 'REFUSED', 'DENIED', 'NO_ROUTE', 'NULL_ROUTED',
                'HOST_UNREACHABLE', 'TTL_EXCEEDED', 'FRAGMENTATION_NEEDED', 'DROPPED'}

# --------------------------------------------------------------------------
# probe side (runs inside the source netns)
# --------------------------------------------------------------------------


def _csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff


def _parse_icmp_error(pkt, proto, marker):
    """pkt: IP packet from a raw ICMP socket.  Return error dict if it is an
    ICMP error about our probe (matched by proto + sport / echo id)."""
    if len(pkt) < 20:
        return None
    ihl = (pkt[0] & 15) * 4
    src = socket.inet_ntoa(pkt[12:16])
    icmp = pkt[ihl:]
    if len(icmp) < 8 + 20:
        return None
    typ, code = icmp[0], icmp[1]
    if typ not in (3, 11, 12):
        return None
    inner = icmp[8:]
    iihl = (inner[0] & 15) * 4
    iproto = inner[9]
    it = inner[iihl:iihl + 8]
    if len(it) < 4:
        return None
    pnum = {'icmp': 1, 'tcp': 6, 'udp': 17}[proto]
    if iproto != pnum:
        return None
    if proto == 'icmp':
        if it[0] != 8 or struct.unpack('!H', it[4:6])[0] != marker:
            return None
    else:
        if struct.unpack('!H', it[0:2])[0] != marker:
            return None
    mtu = struct.unpack('!H', icmp[6:8])[0] if (typ == 3 and code == 4) else None
    return {'type': typ, 'code': code, 'from': src, 'mtu': mtu}


def _route_mtu(dst):
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.connect((dst, 9))
        m = u.getsockopt(socket.IPPROTO_IP, IP_MTU)
        u.close()
        return m
    except OSError:
        return None


def do_probe(p):
    src, dst, proto = p['src'], p['dst'], p.get('proto', 'icmp')
    T = p.get('timeout', PROBE_TIMEOUT)
    ttl, df, size = p.get('ttl'), bool(p.get('df')), p.get('size')
    sn = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    sn.setblocking(False)
    res = {'status': 'timeout', 'errno': None, 'icmp': None, 'mtu': None}
    deadline = time.time() + T

    def local_err(e):
        res['status'] = 'error'
        res['errno'] = E.errorcode.get(e.errno, str(e.errno))
        if e.errno == E.EMSGSIZE:
            res['mtu'] = _route_mtu(dst)

    def check_sn():
        while True:
            try:
                pkt = sn.recv(65535)
            except BlockingIOError:
                return None
            err = _parse_icmp_error(pkt, proto, marker)
            if err:
                return err
            if proto == 'icmp':
                ihl = (pkt[0] & 15) * 4
                ic = pkt[ihl:]
                if len(ic) >= 8 and ic[0] == 0 and struct.unpack('!H', ic[4:6])[0] == marker:
                    return 'reply'

    def wait_err_detail(extra=0.3):
        # an errno was reported; collect the ICMP that caused it, if any
        end = time.time() + extra
        while time.time() < end:
            r, _, _ = select.select([sn], [], [], max(0, end - time.time()))
            if r:
                got = check_sn()
                if isinstance(got, dict):
                    res['icmp'] = got
                    return

    if proto == 'icmp':
        marker = p.get('id') or random.randint(1, 65535)
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        s.bind((src, 0))
        if ttl:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, PMTU_DO if df else PMTU_DONT)
        payload = bytes((i & 0xff for i in range(56 if size is None else size)))
        hdr = struct.pack('!BBHHH', 8, 0, 0, marker, 1)
        ck = _csum(hdr + payload)
        pkt = struct.pack('!BBHHH', 8, 0, ck, marker, 1) + payload
        try:
            s.sendto(pkt, (dst, 0))
        except OSError as e:
            local_err(e)
            wait_err_detail(0.1)
            return res
        while time.time() < deadline:
            r, _, _ = select.select([sn], [], [], max(0, deadline - time.time()))
            if r:
                got = check_sn()
                if got == 'reply':
                    res['status'] = 'reply'
                    return res
                if isinstance(got, dict):
                    res['status'] = 'icmp'
                    res['icmp'] = got
                    return res
        return res

    sport = p.get('sport') or random.randint(20000, 60999)
    marker = sport
    port = p.get('port') or 9
    if proto == 'tcp':
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        s.bind((src, sport))
        if ttl:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, PMTU_DO if df else PMTU_DONT)
        s.setblocking(False)
        rc = s.connect_ex((dst, port))
        if rc not in (0, E.EINPROGRESS):
            local_err(OSError(rc, os.strerror(rc)))
            wait_err_detail(0.1)
            return res
        while time.time() < deadline:
            r, w, _ = select.select([sn], [s], [], max(0, deadline - time.time()))
            if w:
                e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if e == 0:
                    if size:
                        try:
                            s.send(bytes(size))
                        except OSError:
                            pass
                    res['status'] = 'reply'
                    s.close()
                    return res
                res['status'] = 'error'
                res['errno'] = E.errorcode.get(e, str(e))
                wait_err_detail()
                return res
            if r:
                got = check_sn()
                if isinstance(got, dict):
                    res['status'] = 'icmp'
                    res['icmp'] = got
                    return res
        s.close()
        return res

    # udp
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, sport))
    if ttl:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, PMTU_DO if df else PMTU_DONT)
    s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    try:
        s.connect((dst, port))
        try:
            s.send(bytes(32 if size is None else size))
        except OSError as e:
            # ENOBUFS: the veth peer refused an oversized frame (receiver MTU);
            # on a real wire the frame is sent and lost there: wait as usual
            if e.errno != E.ENOBUFS:
                raise
    except OSError as e:
        local_err(e)
        wait_err_detail(0.1)
        return res
    s.setblocking(False)
    while time.time() < deadline:
        r, _, _ = select.select([sn, s], [], [], max(0, deadline - time.time()))
        if sn in r:
            got = check_sn()
            if isinstance(got, dict):
                res['status'] = 'icmp'
                res['icmp'] = got
                return res
        if s in r:
            try:
                s.recv(65535)
                res['status'] = 'reply'
                return res
            except BlockingIOError:
                pass
            except OSError as e:
                res['status'] = 'error'
                res['errno'] = E.errorcode.get(e.errno, str(e.errno))
                wait_err_detail()
                return res
    return res


# --------------------------------------------------------------------------
# agent (runs inside each non-switch netns): listeners + what it received
# --------------------------------------------------------------------------


def run_agent(a):
    log = open(a.log, 'a', buffering=1)
    lk = threading.Lock()

    def w(rec):
        with lk:
            log.write(json.dumps(rec) + '\n')

    def tcp_srv(port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('0.0.0.0', port))
        s.listen(64)
        while True:
            c, _ = s.accept()
            c.close()

    def udp_srv(sock):
        while True:
            d, peer = sock.recvfrom(65535)
            try:
                sock.sendto(d[:64], peer)
            except OSError:
                pass

    sn = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    for p in filter(None, a.tcp.split(',')):
        threading.Thread(target=tcp_srv, args=(int(p),), daemon=True).start()
    for p in filter(None, a.udp.split(',')):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        u.bind(('0.0.0.0', int(p)))
        threading.Thread(target=udp_srv, args=(u,), daemon=True).start()
    time.sleep(0.05)
    open(a.ready, 'w').write('ok')
    while True:
        data, addr = sn.recvfrom(65535)
        ifname, _, pkttype = addr[0], addr[1], addr[2]
        if pkttype == 4 or len(data) < 34 or data[12:14] != b'\x08\x00':
            continue
        ip = data[14:]
        ihl = (ip[0] & 15) * 4
        fo = struct.unpack('!H', ip[6:8])[0]
        proto = ip[9]
        rec = {'t': time.time(), 'if': ifname, 'pt': pkttype, 'src': socket.inet_ntoa(ip[12:16]),
               'dst': socket.inet_ntoa(ip[16:20]), 'p': proto}
        if fo & 0x1fff:
            continue
        l4 = ip[ihl:]
        if proto in (6, 17) and len(l4) >= 4:
            rec['sport'], rec['dport'] = struct.unpack('!HH', l4[:4])
            if proto == 6 and len(l4) >= 14:
                rec['flags'] = l4[13]
        elif proto == 1 and len(l4) >= 8:
            rec['type'], rec['code'] = l4[0], l4[1]
            rec['id'] = struct.unpack('!H', l4[4:6])[0]
        else:
            continue
        w(rec)


# --------------------------------------------------------------------------
# topology model
# --------------------------------------------------------------------------

class BadInput(Exception):
    pass


# product attach mode -> (generic mode, default subnet, host offset, first DHCP offset)
PRODUCT_SEGMENTS = {
    ('virtualbox', 'host-only'): ('host-only', '192.168.56.0/24', 1, 101),
    ('virtualbox', 'internal'): ('internal', None, None, None),
    ('virtualbox', 'bridged'): ('bridged', None, None, None),
    ('vmware', 'host-only'): ('host-only', '192.168.81.0/24', 1, 128),
    ('vmware', 'bridged'): ('bridged', None, None, None),
    ('libvirt', 'nat'): ('nat', '192.168.122.0/24', 1, 2),
    ('libvirt', 'isolated'): ('host-only', '192.168.123.0/24', 1, 2),
    ('libvirt', 'bridged'): ('bridged', None, None, None),
    ('docker', 'bridge'): ('nat', '172.17.0.0/16', 1, 2),
    ('lxc', 'nat'): ('nat', '10.0.3.0/24', 1, 2),
    ('lxc', 'bridged'): ('bridged', None, None, None),
    ('hyper-v', 'internal'): ('host-only', None, 1, None),
    ('hyper-v', 'external'): ('bridged', None, None, None),
}
# the product's name for a segment, whose subnet `networks: { NAME: { subnet } }` overrides
BUILTIN_NETWORKS = {('virtualbox', 'host-only'): 'vboxnet0', ('vmware', 'host-only'): 'vmnet1',
                    ('libvirt', 'nat'): 'default', ('docker', 'bridge'): 'bridge', ('lxc', 'nat'): 'lxcbr0'}


TOP_KEYS = {'vnet', 'name', 'description', 'nodes', 'links', 'scenarios', 'checks'}
NODE_KEYS = {'kind', 'label', 'position', 'on', 'vcpu', 'memory', 'interfaces', 'routes', 'services',
             'rules', 'policy', 'stateful', 'nat', 'ospf', 'vip', 'pool', 'health', 'manages', 'mode',
             'fail-mode', 'fast-failover', 'ha', 'delay', 'product', 'networks'}
IF_KEYS = {'ip', 'gateway', 'dhcp', 'mac', 'mtu', 'vlan', 'trunk', 'native', 'attach', 'network', 'bond',
           'vrrp', 'down', 'uplink', 'cost'}
LINK_KEYS = {'a', 'b', 'latency', 'bandwidth', 'loss', 'down'}
RULE_KEYS = {'action', 'proto', 'from', 'to', 'port', 'sport', 'in', 'out', 'direction'}
ROUTE_KEYS = {'to', 'via', 'blackhole', 'metric'}
CHECK_KEYS = {'from', 'to', 'proto', 'port', 'sport', 'size', 'df', 'ttl', 'expect', 'seen-source',
              'icmp-from', 'mtu', 'hops', 'scenario', 'flow', 'max-failover', 'max-loss'}
NAT_KEYS = {'masquerade', 'forwards', 'subnet'}
FWD_KEYS = {'in', 'proto', 'port', 'to'}


def _keys(obj, allowed, where):
    if not isinstance(obj, dict):
        raise BadInput(f'{where}: expected a mapping')
    bad = set(obj) - allowed
    if bad:
        raise BadInput(f'{where}: unknown field(s) {sorted(bad)}')


def mac_for(node, ifn):
    h = hashlib.sha256(f'{node}.{ifn}'.encode()).digest()
    return '02:' + ':'.join('%02x' % b for b in h[:5])


def vlan_list(trunk):
    out = []
    for t in trunk if isinstance(trunk, list) else [trunk]:
        if isinstance(t, int):
            out.append(t)
        else:
            a, _, b = str(t).partition('-')
            out.extend(range(int(a), int(b or a) + 1))
    return out


class Topo:
    def __init__(self, path):
        import yaml
        self.path = path
        class Loader(yaml.SafeLoader):
            pass
        # YAML 1.2 booleans only (true/false): `on: hv1` is a key, not True
        Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:bool']
                                          for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
        import re as _re
        Loader.add_implicit_resolver('tag:yaml.org,2002:bool', _re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'),
                                     list('tTfF'))
        with open(path) as f:
            d = yaml.load(f, Loader=Loader) if not path.endswith('.json') else json.load(f)
        _keys(d, TOP_KEYS, 'top level')
        if d.get('vnet') != 1:
            raise BadInput('vnet: must be 1')
        self.d = d
        self.nodes = d['nodes']
        for nid, n in self.nodes.items():
            _keys(n, NODE_KEYS, f'nodes.{nid}')
            if n.get('kind') not in KINDS:
                raise BadInput(f'nodes.{nid}.kind: unknown kind {n.get("kind")!r}')
            n.setdefault('interfaces', {})
            for ifn, i in (n['interfaces'] or {}).items():
                if i is None:
                    n['interfaces'][ifn] = i = {}
                _keys(i, IF_KEYS, f'nodes.{nid}.interfaces.{ifn}')
                for k in ('bond', 'vrrp'):
                    if k in i:
                        raise BadInput(f'nodes.{nid}.interfaces.{ifn}.{k}: not supported by the kernel oracle')
            for r in n.get('rules') or []:
                _keys(r, RULE_KEYS, f'nodes.{nid}.rules')
            for r in n.get('routes') or []:
                _keys(r, ROUTE_KEYS, f'nodes.{nid}.routes')
            if 'nat' in n:
                _keys(n['nat'], NAT_KEYS, f'nodes.{nid}.nat')
                for fw in n['nat'].get('forwards') or []:
                    _keys(fw, FWD_KEYS, f'nodes.{nid}.nat.forwards')
        self.links = d.get('links') or []
        for k, l in enumerate(self.links):
            _keys(l, LINK_KEYS, f'links[{k}]')
        self.checks = d.get('checks') or []
        for k, c in enumerate(self.checks):
            _keys(c, CHECK_KEYS, f'checks[{k}]')
            if 'expect' in c and c['expect'] not in DISPOSITIONS:
                raise BadInput(f'checks[{k}].expect: unknown disposition {c["expect"]}')
        self.resolve_addresses()

    def kind(self, nid):
        return self.nodes[nid]['kind']

    def ifaces(self, nid):
        return self.nodes[nid]['interfaces']

    def product(self, nid):
        p = self.nodes[nid].get('product', 'generic')
        return None if p == 'generic' else p

    def product_segments(self):
        """Rewrite product attach modes to the generic ones they expand to; per hypervisor
        the segment's subnet, host offset and first DHCP offset."""
        self.seg = {}   # (hv, generic mode) -> (subnet, host offset, first DHCP offset)
        for nid in sorted(self.nodes):
            n = self.nodes[nid]
            hv = n.get('on')
            if not hv or hv not in self.nodes or not self.product(hv):
                continue
            prod = self.product(hv)
            for ifn, i in n['interfaces'].items():
                att = i.get('attach')
                if not att:
                    continue
                m = PRODUCT_SEGMENTS.get((prod, att))
                if not m:
                    raise BadInput(f'nodes.{nid}.interfaces.{ifn}.attach: {prod} {att} is not built by this oracle')
                mode, sub, host, first = m
                nets = self.nodes[hv].get('networks') or {}
                if prod == 'hyper-v':
                    sub = (nets.get(i.get('network')) or {}).get('subnet')
                    if not sub:
                        raise BadInput(f'nodes.{nid}.interfaces.{ifn}: hyper-v internal needs networks.NAME.subnet')
                elif (prod, att) in BUILTIN_NETWORKS:
                    sub = (nets.get(BUILTIN_NETWORKS[(prod, att)]) or {}).get('subnet', sub)
                if mode in ('nat', 'host-only'):
                    prev = self.seg.setdefault((hv, mode), (sub, host, first))
                    if prev[0] != sub:
                        raise BadInput(f'nodes.{nid}.interfaces.{ifn}: one {mode} segment per hypervisor in this oracle')
                i['attach'] = mode

    def resolve_addresses(self):
        self.product_segments()
        # hypervisor NAT networks: deterministic DHCP
        self.natnet = {}      # hv -> {'subnet','gw', 'guests': [(node, ifn)]}
        self.hostonly = {}    # hv -> {'subnet','gw','guests'}
        self.internal = {}    # (hv, name) -> guests
        for nid in sorted(self.nodes):
            n = self.nodes[nid]
            for ifn, i in n['interfaces'].items():
                att = i.get('attach')
                if not att:
                    continue
                hv = n.get('on')
                if not hv or hv not in self.nodes or self.kind(hv) != 'hypervisor':
                    raise BadInput(f'nodes.{nid}.interfaces.{ifn}.attach: needs on: <hypervisor>')
                if att == 'nat':
                    self.natnet.setdefault(hv, {'guests': []})['guests'].append((nid, ifn))
                elif att == 'host-only':
                    self.hostonly.setdefault(hv, {'guests': []})['guests'].append((nid, ifn))
                elif att == 'internal':
                    self.internal.setdefault((hv, i.get('network', 'intnet')), []).append((nid, ifn))
                elif att == 'bridged':
                    pass
                else:
                    raise BadInput(f'nodes.{nid}.interfaces.{ifn}.attach: {att!r}')
        for hv, net in self.natnet.items():
            kinds = {self.kind(g) for g, _ in net['guests']}
            cfg = self.nodes[hv].get('nat') or {}
            default = '172.17.0.0/16' if kinds == {'container'} else '10.0.2.0/24'
            psub, phost, pfirst = self.seg.get((hv, 'nat'), (None, 1, None))
            sub = ipaddress.ip_network(cfg.get('subnet', psub or default))
            net['subnet'] = sub
            net['gw'] = sub.network_address + phost
            start = pfirst or (2 if kinds == {'container'} else 15)
            used = {net['gw']}
            for g, ifn in net['guests']:
                i = self.ifaces(g)[ifn]
                if i.get('ip'):
                    used.add(ipaddress.ip_interface(i['ip']).ip)
            nxt = sub.network_address + start
            for g, ifn in net['guests']:
                i = self.ifaces(g)[ifn]
                if i.get('ip'):
                    continue
                while nxt in used:
                    nxt += 1
                i['ip'] = f'{nxt}/{sub.prefixlen}'
                i.setdefault('gateway', str(net['gw']))
                used.add(nxt)
        for hv, net in self.hostonly.items():
            psub, phost, pfirst = self.seg.get((hv, 'host-only'), ('192.168.56.0/24', 1, None))
            sub = ipaddress.ip_network(psub)
            net['subnet'], net['gw'] = sub, sub.network_address + phost
            used = {net['gw']} | {ipaddress.ip_interface(self.ifaces(g)[ifn]['ip']).ip
                                  for g, ifn in net['guests'] if self.ifaces(g)[ifn].get('ip')}
            nxt = sub.network_address + (pfirst or 0)
            for g, ifn in net['guests']:
                i = self.ifaces(g)[ifn]
                if i.get('ip'):
                    continue
                if not (pfirst and i.get('dhcp')):
                    raise BadInput(f'nodes.{g}.interfaces.{ifn}: host-only DHCP pool is not specified; give ip')
                while nxt in used:
                    nxt += 1
                i['ip'] = f'{nxt}/{sub.prefixlen}'
                used.add(nxt)
        for nid, n in self.nodes.items():
            for ifn, i in n['interfaces'].items():
                if i.get('dhcp') and not i.get('ip'):
                    raise BadInput(f'nodes.{nid}.interfaces.{ifn}.dhcp: no DHCP server semantics for this segment')
        # address ownership
        self.owner = {}
        for nid, n in self.nodes.items():
            for ifn, i in n['interfaces'].items():
                if i.get('ip'):
                    self.owner[str(ipaddress.ip_interface(i['ip']).ip)] = nid
        for hv, net in self.natnet.items():
            self.owner[str(net['gw'])] = hv
        for hv, net in self.hostonly.items():
            self.owner[str(net['gw'])] = hv

    def addrs(self, nid):
        out = [str(ipaddress.ip_interface(i['ip']).ip) for i in self.ifaces(nid).values() if i.get('ip')]
        if nid in self.natnet:
            out.append(str(self.natnet[nid]['gw']))
        if nid in self.hostonly:
            out.append(str(self.hostonly[nid]['gw']))
        return out

    def first_addr(self, nid):
        a = self.addrs(nid)
        if not a:
            raise BadInput(f'node {nid} has no address')
        return a[0]

    def resolve(self, ref):
        """node id or address -> list of addresses (for rules)"""
        if ref in (None, 'any'):
            return [None]
        if ref in self.nodes:
            return self.addrs(ref)
        ipaddress.ip_network(str(ref), strict=False)
        return [str(ref)]

    def target(self, ref):
        if ref in self.nodes:
            return self.first_addr(ref)
        return str(ipaddress.ip_address(ref))


# --------------------------------------------------------------------------
# builder
# --------------------------------------------------------------------------

def run(cmd, check=True, inp=None):
    r = subprocess.run(cmd, capture_output=True, text=True, input=inp)
    if check and r.returncode:
        raise RuntimeError(f'{" ".join(cmd)}: {r.stderr.strip() or r.stdout.strip()}')
    return r


def nsname(nid):
    return PREFIX + nid


def nsx(nid, *cmd, check=True, inp=None):
    return run(['ip', 'netns', 'exec', nsname(nid)] + list(cmd), check=check, inp=inp)


def list_vk_netns():
    r = run(['ip', 'netns', 'list'], check=False)
    return [l.split()[0] for l in r.stdout.splitlines() if l.split() and l.split()[0].startswith(PREFIX)]


def kill_ns(ns):
    r = run(['ip', 'netns', 'pids', ns], check=False)
    for p in r.stdout.split():
        try:
            os.kill(int(p), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass
    run(['ip', 'netns', 'del', ns], check=False)


class Lab:
    def __init__(self, topo, verbose=False):
        self.t = topo
        self.v = verbose
        self.created = []
        self.agents = {}
        self.procs = []
        self.batch = {}     # ns -> list of ip -batch lines
        self.chan_ctr = {}
        self.tags = {}      # nid -> True if has vk counters
        self.wire_ctr = 0

    def log(self, *a):
        if self.v:
            print('  [build]', *a, file=sys.stderr)

    # ---- netns ----
    def mkns(self, name, forward=False, bridge=False):
        run(['ip', 'netns', 'add', name])
        self.created.append(name)
        sc = ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1',
              'net.ipv4.icmp_ratelimit=0', 'net.ipv4.icmp_msgs_per_sec=100000',
              'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0',
              'net.ipv4.conf.all.send_redirects=0', 'net.ipv4.conf.default.send_redirects=0',
              'net.ipv4.conf.all.accept_redirects=0', 'net.ipv4.conf.default.accept_redirects=0',
              'net.ipv4.ip_forward=%d' % (1 if forward else 0),
              'net.bridge.bridge-nf-call-iptables=0', 'net.bridge.bridge-nf-call-arptables=0']
        run(['ip', 'netns', 'exec', name, 'sysctl', '-q', '-e', '-w'] + sc, check=False)
        run(['ip', '-n', name, 'link', 'set', 'dev', 'lo', 'up'])

    def veth(self, ns_a, name_a, ns_b, name_b):
        run(['ip', 'link', 'add', 'name', name_a, 'netns', ns_a, 'type', 'veth', 'peer', 'name', name_b, 'netns', ns_b])

    def chan_name(self, nid):
        k = self.chan_ctr.get(nid, 0) + 1
        self.chan_ctr[nid] = k
        return 'C%d' % k

    def build(self):
        t = self.t
        os.makedirs(RUNDIR, exist_ok=True)
        hv_nat = set(t.natnet)
        for nid in t.nodes:
            k = t.kind(nid)
            if k == 'sdn-controller':
                continue
            self.mkns(nsname(nid), forward=(k in FORWARDING or nid in hv_nat))
        # switch VLAN bridges (no 802.1Q in this kernel: one bridge per VLAN,
        # one veth "channel" per VLAN carried on a link)
        self.swbr = {}
        for nid in t.nodes:
            if t.kind(nid) == 'switch':
                self.swbr[nid] = set()
        # per-node interface realisation: name -> list of (device, ns)
        self.dev_of = {}   # (nid, ifn) -> device name in node ns
        linked = set()
        bridged_uplinks = {}   # hv -> uplink ifn
        for nid, n in t.nodes.items():
            for ifn, i in n['interfaces'].items():
                if i.get('attach') == 'bridged':
                    hv = n['on']
                    up = i.get('uplink') or next(iter(t.ifaces(hv)))
                    bridged_uplinks.setdefault(hv, set()).add(up)
        for li, l in enumerate(t.links):
            an, _, aif = l['a'].partition('.')
            bn, _, bif = l['b'].partition('.')
            for x, xi in ((an, aif), (bn, bif)):
                if x not in t.nodes:
                    raise BadInput(f'links[{li}]: unknown node {x}')
                if t.kind(x) != 'switch' and not any(f == xi or f.split('.')[0] == xi for f in t.ifaces(x)):
                    raise BadInput(f'links[{li}]: unknown interface {x}.{xi}')
            ca, cb = self.channels(an, aif), self.channels(bn, bif)
            wire = None
            if l.get('down'):
                self.wire_ctr += 1
                wire = '%swire%d' % (PREFIX, self.wire_ctr)
                self.mkns(wire)
            for key in ca:
                if key not in cb:
                    continue
                da, db = self.realise(an, aif, ca[key], bridged_uplinks), self.realise(bn, bif, cb[key], bridged_uplinks)
                if wire is None:
                    self.veth(nsname(an), da, nsname(bn), db)
                else:
                    # cable pulled: both interfaces admin-up, no carrier
                    self.veth(nsname(an), da, wire, 'A%d' % len(linked))
                    self.veth(nsname(bn), db, wire, 'B%d' % len(linked))
                linked.add((an, ca[key][1]))
                linked.add((bn, cb[key][1]))
                self.after_veth(an, ca[key], da, bridged_uplinks)
                self.after_veth(bn, cb[key], db, bridged_uplinks)
        # unlinked interfaces still exist (no carrier)
        for nid, n in t.nodes.items():
            k = t.kind(nid)
            if k in ('switch', 'sdn-controller'):
                continue
            for ifn, i in n['interfaces'].items():
                if i.get('attach'):
                    continue
                if (nid, ifn) in linked:
                    continue
                dev = self.realise(nid, ifn.split('.')[0], ('if', ifn), bridged_uplinks)
                self.veth(nsname(nid), dev, nsname(nid), 'U' + dev[:10])
                self.after_veth(nid, ('if', ifn), dev, bridged_uplinks)
        self.build_attachments(bridged_uplinks)
        self.configure_l3()
        self.configure_filters()
        self.neigh_tuning()
        self.start_agents()
        self.settle()

    def settle(self):
        # wait for every bridge port that is up to be forwarding, then a moment
        end = time.time() + 5
        for nid in self.swbr:
            while time.time() < end:
                r = run(['bridge', '-n', nsname(nid), 'link', 'show'], check=False)
                bad = [l for l in r.stdout.splitlines()
                       if 'state UP' in l and 'forwarding' not in l]
                if not bad:
                    break
                time.sleep(0.1)
        time.sleep(0.3)

    def channels(self, nid, pif):
        """key -> channel descriptor for the parent interface pif of nid."""
        t = self.t
        out = {}
        if t.kind(nid) == 'switch':
            i = t.ifaces(nid).get(pif) or {}
            if 'trunk' in i:
                for v in vlan_list(i['trunk']):
                    out['tag%d' % v] = ('sw', pif, v)
                if 'native' in i:
                    out['untagged'] = ('sw', pif, int(i['native']))
            else:
                out['untagged'] = ('sw', pif, int(i.get('vlan', 1)))
            return out
        for ifn in t.ifaces(nid):
            base, dot, tag = ifn.partition('.')
            if base != pif:
                continue
            if dot:
                out['tag' + tag] = ('if', ifn)
            else:
                out['untagged'] = ('if', ifn)
        return out

    def realise(self, nid, pif, ch, bridged_uplinks):
        t = self.t
        if ch[0] == 'sw':
            return self.chan_name(nid)
        ifn = ch[1]
        if t.kind(nid) == 'hypervisor' and ifn in bridged_uplinks.get(nid, ()):
            return (ifn + 'U')[:15]
        return ifn

    def after_veth(self, nid, ch, dev, bridged_uplinks):
        t = self.t
        ns = nsname(nid)
        if ch[0] == 'sw':
            _, pif, vlan = ch
            br = 'VL%d' % vlan
            if vlan not in self.swbr[nid]:
                run(['ip', '-n', ns, 'link', 'add', br, 'type', 'bridge', 'stp_state', '0'])
                run(['ip', '-n', ns, 'link', 'set', 'dev', br, 'up'])
                self.swbr[nid].add(vlan)
            i = t.ifaces(nid).get(pif) or {}
            run(['ip', '-n', ns, 'link', 'set', 'dev', dev, 'master', br, 'mtu', str(i.get('mtu', 1500))])
            run(['ip', '-n', ns, 'link', 'set', 'dev', dev, 'down' if i.get('down') else 'up'])
            return
        ifn = ch[1]
        if t.kind(nid) == 'hypervisor' and ifn in bridged_uplinks.get(nid, ()):
            # hypervisor uplink becomes a bridge named like the interface
            i = t.ifaces(nid)[ifn]
            run(['ip', '-n', ns, 'link', 'add', ifn, 'type', 'bridge', 'stp_state', '0'])
            run(['ip', '-n', ns, 'link', 'set', 'dev', dev, 'master', ifn, 'mtu', str(i.get('mtu', 1500)), 'up'])
        self.dev_of[(nid, ifn)] = ifn

    def build_attachments(self, bridged_uplinks):
        t = self.t
        gctr = {}

        def gdev(hv):
            gctr[hv] = gctr.get(hv, 0) + 1
            return 'G%d' % gctr[hv]

        def bridge(hv, name, addr=None):
            ns = nsname(hv)
            if run(['ip', '-n', ns, 'link', 'show', name], check=False).returncode:
                run(['ip', '-n', ns, 'link', 'add', name, 'type', 'bridge', 'stp_state', '0'])
                run(['ip', '-n', ns, 'link', 'set', 'dev', name, 'up'])
                if addr:
                    run(['ip', '-n', ns, 'addr', 'add', addr, 'dev', name])
            return name

        for nid, n in t.nodes.items():
            for ifn, i in n['interfaces'].items():
                att = i.get('attach')
                if not att:
                    continue
                hv = n['on']
                if att == 'bridged':
                    up = i.get('uplink') or next(iter(t.ifaces(hv)))
                    br = up
                elif att == 'nat':
                    net = t.natnet[hv]
                    br = bridge(hv, 'NAT0', f'{net["gw"]}/{net["subnet"].prefixlen}')
                elif att == 'host-only':
                    net = t.hostonly[hv]
                    br = bridge(hv, 'HOSTONLY', f'{net["gw"]}/{net["subnet"].prefixlen}')
                else:
                    names = sorted({k[1] for k in t.internal if k[0] == hv})
                    br = bridge(hv, 'INT%d' % names.index(i.get('network', 'intnet')))
                g = gdev(hv)
                self.veth(nsname(nid), ifn, nsname(hv), g)
                run(['ip', '-n', nsname(hv), 'link', 'set', 'dev', g, 'master', br, 'mtu', str(i.get('mtu', 1500)), 'up'])
                self.dev_of[(nid, ifn)] = ifn

    def configure_l3(self):
        t = self.t
        for nid, n in t.nodes.items():
            k = t.kind(nid)
            if k in ('switch', 'sdn-controller'):
                continue
            ns = nsname(nid)
            lines, routes, downs = [], [], []
            for ifn, i in n['interfaces'].items():
                dev = self.dev_of.get((nid, ifn))
                if not dev:
                    continue
                parent = t.ifaces(nid).get(ifn.split('.')[0], {}) if '.' in ifn else {}
                mtu = i.get('mtu', parent.get('mtu', 1500))
                lines.append(f'link set dev {dev} address {i.get("mac") or mac_for(nid, ifn)} mtu {mtu} up')
                if i.get('ip'):
                    lines.append(f'addr add {i["ip"]} dev {dev}')
                if i.get('down') or parent.get('down'):
                    downs.append(f'link set dev {dev} down')
            run(['ip', '-n', ns, '-batch', '-'], inp='\n'.join(lines) + '\n')
            for ifn, i in n['interfaces'].items():
                if i.get('gateway'):
                    routes.append(f'route add default via {i["gateway"]}')
            for r in n.get('routes') or []:
                to = str(ipaddress.ip_network(r['to'], strict=False)) if r['to'] != 'default' else 'default'
                met = f' metric {r["metric"]}' if 'metric' in r else ''
                if r.get('blackhole'):
                    routes.append(f'route add blackhole {to}{met}')
                else:
                    routes.append(f'route add {to} via {r["via"]}{met}')
            for cmd in routes:
                run(['ip', '-n', ns] + cmd.split())
            for cmd in downs:
                run(['ip', '-n', ns] + cmd.split())

    def configure_filters(self):
        t = self.t
        for nid, n in t.nodes.items():
            k = t.kind(nid)
            if k in ('switch', 'sdn-controller'):
                continue
            filt, nat, mangle = [], [], []
            stateful = n.get('stateful', DEFAULT_STATEFUL.get(k, False))
            policy = n.get('policy', DEFAULT_POLICY.get(k, 'allow'))
            rules = n.get('rules') or []
            if k in FORWARDING:
                chains = {'in': 'FORWARD', 'out': 'FORWARD'}
                base = ['FORWARD']
            else:
                chains = {'in': 'INPUT', 'out': 'OUTPUT'}
                base = ['INPUT', 'OUTPUT']
            if stateful and (rules or policy == 'deny'):
                for c in base:
                    filt.append(f'-A {c} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT')
            for ri, r in enumerate(rules):
                c = chains['out' if r.get('direction') == 'out' else 'in']
                act = r.get('action', 'allow')
                proto = r.get('proto')
                m = []
                if proto and proto != 'any':
                    m.append(f'-p {proto}')
                if r.get('sport') is not None:
                    m.append('--sport ' + str(r['sport']).replace('-', ':'))
                if r.get('port') is not None:
                    m.append('--dport ' + str(r['port']).replace('-', ':'))
                if r.get('in'):
                    m.append(f'-i {r["in"]}')
                if r.get('out'):
                    m.append(f'-o {r["out"]}')
                tag = f'-m comment --comment vk-{act}-{ri}'
                for s in t.resolve(r.get('from')):
                    for d in t.resolve(r.get('to')):
                        sd = (f' -s {s}' if s else '') + (f' -d {d}' if d else '')
                        mm = ' '.join(m) + sd
                        if act == 'allow':
                            filt.append(f'-A {c} {mm} {tag} -j ACCEPT')
                        elif act == 'deny':
                            filt.append(f'-A {c} {mm} {tag} -j DROP')
                        elif act == 'reject':
                            if proto == 'tcp':
                                filt.append(f'-A {c} {mm} {tag} -j REJECT --reject-with tcp-reset')
                            elif proto in (None, 'any'):
                                filt.append(f'-A {c} -p tcp {mm} {tag} -j REJECT --reject-with tcp-reset')
                                filt.append(f'-A {c} {mm} {tag} -j REJECT --reject-with icmp-admin-prohibited')
                            else:
                                filt.append(f'-A {c} {mm} {tag} -j REJECT --reject-with icmp-admin-prohibited')
                        else:
                            raise BadInput(f'nodes.{nid}.rules[{ri}].action: {act!r}')
            if policy == 'deny':
                filt.append(f'-A {base[0]} -m comment --comment vk-policy-deny -j DROP')
            natcfg = n.get('nat') or {}
            if k == 'nat-gateway' or (k in FORWARDING and natcfg):
                for ifn in natcfg.get('masquerade') or []:
                    nat.append(f'-A POSTROUTING -o {ifn} -j MASQUERADE')
                for fw in natcfg.get('forwards') or []:
                    inif = fw['in']
                    addr = ipaddress.ip_interface(t.ifaces(nid)[inif]['ip']).ip
                    nat.append(f'-A PREROUTING -i {inif} -d {addr} -p {fw.get("proto", "tcp")} '
                               f'--dport {fw["port"]} -j DNAT --to-destination {self.fwd_target(fw["to"])}')
            if k == 'hypervisor' and nid in t.natnet:
                net = t.natnet[nid]
                sub = net['subnet']
                up = next(iter(n['interfaces']))
                nat.append(f'-A POSTROUTING -s {sub} ! -d {sub} -j MASQUERADE')
                upaddrs = [a for a in t.addrs(nid) if a not in (str(net['gw']),)]
                for fw in natcfg.get('forwards') or []:
                    for a in upaddrs:
                        nat.append(f'-A PREROUTING -d {a} -p {fw.get("proto", "tcp")} --dport {fw["port"]} '
                                   f'-j DNAT --to-destination {self.fwd_target(fw["to"])}')
                filt.insert(0, '-A FORWARD -m comment --comment vk-hvnofwd -j DROP')
                filt.insert(0, '-A FORWARD -i NAT0 -j ACCEPT')
                filt.insert(0, '-A FORWARD -o NAT0 -m conntrack --ctstate DNAT -j ACCEPT')
                filt.insert(0, '-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT')
            if k == 'internet':
                # the outside world answers for every address no node owns: the
                # agent's capture records the real destination (what "exits"),
                # and a DNAT to the node's own address makes the answer quick.
                for a in sorted(set(t.owner) - set(t.addrs(nid))):
                    nat.append(f'-A PREROUTING -d {a} -j RETURN')   # owned elsewhere: not an exit, dropped
                for ifn, i in n['interfaces'].items():
                    if i.get('ip') and self.dev_of.get((nid, ifn)):
                        a = ipaddress.ip_interface(i['ip']).ip
                        nat.append(f'-A PREROUTING -i {self.dev_of[(nid, ifn)]} -m addrtype ! --dst-type LOCAL '
                                   f'-j DNAT --to-destination {a}')
            for ri, r in enumerate(n.get('routes') or []):
                if r.get('blackhole'):
                    to = str(ipaddress.ip_network(r['to'], strict=False)) if r['to'] != 'default' else '0.0.0.0/0'
                    mangle.append(f'-A PREROUTING -d {to} -m comment --comment vk-blackhole-{ri}')
            if not (filt or nat or mangle):
                continue
            txt = '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n' + \
                '\n'.join(filt) + '\nCOMMIT\n'
            if nat:
                txt += '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n' \
                       ':POSTROUTING ACCEPT [0:0]\n' + '\n'.join(nat) + '\nCOMMIT\n'
            if mangle:
                txt += '*mangle\n:PREROUTING ACCEPT [0:0]\n' + '\n'.join(mangle) + '\nCOMMIT\n'
            nsx(nid, 'iptables-restore', inp=txt)
            self.tags[nid] = True
            self.log(nid, txt)

    def fwd_target(self, to):
        host, _, port = str(to).rpartition(':')
        if host in self.t.nodes:
            host = self.t.first_addr(host)
        return f'{host}:{port}'

    def neigh_tuning(self):
        for ns in self.created:
            run(['ip', 'netns', 'exec', ns, 'sh', '-c',
                 'for d in /proc/sys/net/ipv4/neigh/*/; do echo 200 > $d/retrans_time_ms; '
                 'echo 3 > $d/mcast_solicit; echo 3 > $d/ucast_solicit; done'], check=False)

    def start_agents(self):
        t = self.t
        for nid, n in t.nodes.items():
            if t.kind(nid) in ('switch', 'sdn-controller'):
                continue
            tcp, udp = [], []
            for s in n.get('services') or []:
                p, _, port = str(s).partition('/')
                (tcp if p == 'tcp' else udp).append(port)
            logf = os.path.join(RUNDIR, nid + '.log')
            ready = os.path.join(RUNDIR, nid + '.ready')
            for f in (logf, ready):
                if os.path.exists(f):
                    os.unlink(f)
            open(logf, 'w').close()
            pr = subprocess.Popen(['ip', 'netns', 'exec', nsname(nid), sys.executable, SELF, '--agent',
                                   '--log', logf, '--ready', ready, '--tcp', ','.join(tcp), '--udp', ','.join(udp)],
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(RUNDIR, nid + '.err'), 'w'),
                                  start_new_session=True)
            self.procs.append(pr)
            self.agents[nid] = logf
        end = time.time() + 10
        for nid in self.agents:
            while not os.path.exists(os.path.join(RUNDIR, nid + '.ready')):
                if time.time() > end:
                    raise RuntimeError(f'agent for {nid} did not start: ' +
                                       open(os.path.join(RUNDIR, nid + '.err')).read())
                time.sleep(0.02)

    def teardown(self):
        for pr in self.procs:
            try:
                pr.kill()
                pr.wait(timeout=5)
            except Exception:
                pass
        for ns in reversed(self.created):
            kill_ns(ns)
        self.created = []

    # ---- observation ----
    def counters(self):
        out = {}
        for nid in self.tags:
            r = nsx(nid, 'iptables-save', '-c', check=False)
            for line in r.stdout.splitlines():
                if 'vk-' not in line or not line.startswith('['):
                    continue
                pk = int(line[1:line.index(':')])
                tag = line.split('--comment ')[1].split()[0].strip('"')
                key = (nid, tag)
                out[key] = out.get(key, 0) + pk
        return out

    def reset_state(self):
        for ns in self.created:
            run(['ip', 'netns', 'exec', ns, 'sh', '-c', 'ip route flush cache; conntrack -F >/dev/null 2>&1'],
                check=False)

    def log_offsets(self):
        return {nid: os.path.getsize(f) for nid, f in self.agents.items()}

    def seen(self, offs):
        recs = []
        for nid, f in self.agents.items():
            with open(f) as fh:
                fh.seek(offs[nid])
                for line in fh:
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue
                    r['node'] = nid
                    recs.append(r)
        recs.sort(key=lambda r: r['t'])
        return recs

    def probe(self, src_node, spec):
        r = nsx(src_node, sys.executable, SELF, '--probe', json.dumps(spec), check=False)
        try:
            return json.loads(r.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            raise RuntimeError(f'probe failed: {r.stderr.strip()}')


# --------------------------------------------------------------------------
# classification
# --------------------------------------------------------------------------

ICMP_DISP = {(3, 0): 'NO_ROUTE', (3, 6): 'NO_ROUTE', (3, 11): 'NO_ROUTE',
             (3, 1): 'HOST_UNREACHABLE', (3, 7): 'HOST_UNREACHABLE', (3, 12): 'HOST_UNREACHABLE',
             (3, 2): 'REFUSED', (3, 3): 'REFUSED', (3, 4): 'FRAGMENTATION_NEEDED',
             (3, 9): 'DENIED', (3, 10): 'DENIED', (3, 13): 'DENIED'}
ERRNO_DISP = {'ENETUNREACH': 'NO_ROUTE', 'EHOSTUNREACH': 'HOST_UNREACHABLE', 'EMSGSIZE': 'FRAGMENTATION_NEEDED',
              'ECONNREFUSED': 'REFUSED', 'EINVAL': 'NULL_ROUTED', 'EPERM': 'DENIED', 'EACCES': 'DENIED',
              'ETIMEDOUT': 'DROPPED', 'EHOSTDOWN': 'HOST_UNREACHABLE'}


def route_source(lab, nid, dst):
    """The address the kernel picks for an unbound socket towards dst, when the route
    leaves by one of the hypervisor's product segments (else None)."""
    r = nsx(nid, 'ip', '-o', 'route', 'get', dst, check=False).stdout.split()
    if 'dev' not in r or 'src' not in r:
        return None
    dev = r[r.index('dev') + 1]
    return r[r.index('src') + 1] if dev in ('NAT0', 'HOSTONLY') else None


def run_probe(lab, c, ttl=None):
    t = lab.t
    src_node = c['from']
    dst = t.target(c['to'])
    src = t.first_addr(src_node)
    if t.kind(src_node) == 'hypervisor' and t.product(src_node):
        src = route_source(lab, src_node, dst) or src
    proto = c.get('proto', 'icmp')
    spec = {'src': src, 'dst': dst, 'proto': proto, 'port': c.get('port'), 'sport': c.get('sport'),
            'size': c.get('size'), 'df': c.get('df', False), 'ttl': ttl if ttl is not None else c.get('ttl'),
            'timeout': PROBE_TIMEOUT}
    if proto != 'icmp':
        spec['sport'] = spec['sport'] or 40000   # the spec's default source port
    else:
        spec['id'] = 40000                         # the spec's ICMP echo identifier
    lab.reset_state()
    time.sleep(0.05)
    c0 = lab.counters()
    offs = lab.log_offsets()
    res = lab.probe(src_node, spec)
    time.sleep(0.15)
    c1 = lab.counters()
    recs = lab.seen(offs)
    obs = {'disposition': None, 'seen-source': None, 'icmp-from': None, 'mtu': None, 'raw': res}
    # what did destinations receive?
    pnum = {'icmp': 1, 'tcp': 6, 'udp': 17}[proto]
    final = None
    for r in recs:
        if r['p'] != pnum or r['pt'] != 0:
            continue
        if proto == 'icmp':
            if r.get('type') != 8:
                continue
            if r.get('id') != spec['id']:
                continue
        elif r.get('sport') != spec['sport']:
            continue
        own = r['dst'] in t.addrs(r['node'])
        if own or (t.kind(r['node']) == 'internet' and r['dst'] not in t.owner):
            final = r
    if final:
        obs['seen-source'] = final['src']
        obs['seen-at'] = final['node']
    inc = {k: c1.get(k, 0) - c0.get(k, 0) for k in c1 if c1.get(k, 0) > c0.get(k, 0)}
    denied = [k for k in inc if k[1].startswith(('vk-deny', 'vk-reject', 'vk-policy'))]
    bh = [k for k in inc if k[1].startswith('vk-blackhole')]
    obs['counters'] = ['%s:%s' % k for k in inc]
    st = res['status']
    icmp = res.get('icmp')
    src_addrs = set(t.addrs(src_node))
    if icmp and icmp['from'] not in src_addrs:
        obs['icmp-from'] = icmp['from']
    if final and t.kind(final['node']) == 'internet' and final['dst'] not in t.owner:
        d = 'EXITS_NETWORK'
    elif st == 'reply':
        d = 'DELIVERED'
    elif denied:
        d = 'DENIED'
    elif icmp:
        d = 'TTL_EXCEEDED' if icmp['type'] == 11 else ICMP_DISP.get((icmp['type'], icmp['code']), 'ICMP%d/%d' % (icmp['type'], icmp['code']))
        if icmp.get('mtu'):
            obs['mtu'] = icmp['mtu']
    elif st == 'error':
        d = ERRNO_DISP.get(res['errno'], res['errno'])
        if res.get('mtu') and d == 'FRAGMENTATION_NEEDED':
            obs['mtu'] = res['mtu']
    elif bh:
        d = 'NULL_ROUTED'
    else:
        d = 'DROPPED'
    obs['disposition'] = d
    return obs


def run_check(lab, c):
    obs = run_probe(lab, c)
    if 'hops' in c:
        # as traceroute: up to 30 hops; a silent hop prints '*' and the walk goes on
        # when the unlimited probe got past it (it reached the end or an error came back)
        hops = []
        reaches = obs['disposition'] in ('DELIVERED', 'REFUSED', 'EXITS_NETWORK') or obs.get('icmp-from')
        for ttl in range(1, 31):
            o = run_probe(lab, c, ttl=ttl)
            if o['disposition'] == 'TTL_EXCEEDED':
                hops.append(o['icmp-from'] or '*')
                continue
            if o['disposition'] in ('DELIVERED', 'REFUSED', 'EXITS_NETWORK'):
                hops.append(lab.t.target(c['to']))
            elif o['icmp-from']:
                hops.append(o['icmp-from'])
            else:
                hops.append('*')
                if reaches:
                    continue
            break
        while len(hops) > 1 and hops[-1] == '*' and reaches:
            hops.pop()   # trailing silence past the last answer is not part of the path
        obs['hops'] = hops
    fails = []
    if c.get('expect') and obs['disposition'] != c['expect']:
        fails.append('expect')
    for k in ('seen-source', 'icmp-from', 'mtu', 'hops'):
        if k in c:
            want = c[k]
            got = obs.get(k)
            if k == 'hops':
                want = [str(x) for x in want]
            if (str(got) if k != 'hops' else got) != (str(want) if k != 'hops' else want):
                fails.append(k)
    return obs, fails


def fmt_expect(c):
    s = c.get('expect', '?')
    for k in ('seen-source', 'icmp-from', 'mtu', 'hops'):
        if k in c:
            s += f' {k}={c[k] if k != "hops" else ",".join(map(str, c[k]))}'
    return s


def fmt_obs(o, c):
    s = o['disposition']
    for k in ('seen-source', 'icmp-from', 'mtu', 'hops'):
        if k in c or (o.get(k) and k != 'seen-source' and k != 'hops'):
            v = o.get(k)
            s += f' {k}={",".join(v) if k == "hops" and v else v}'
    return s


def describe(c):
    s = f'{c.get("from")} -> {c.get("to")} {c.get("proto", "icmp")}'
    for k in ('port', 'sport', 'size', 'df', 'ttl'):
        if k in c:
            s += f' {k}={c[k]}'
    return s


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

class Interrupted(Exception):
    pass


def _sig(signum, frame):
    raise Interrupted(f'signal {signum}')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('files', nargs='*')
    ap.add_argument('--json', action='store_true', help='print a JSON summary')
    ap.add_argument('--keep', action='store_true', help='leave the last topology up (debugging)')
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('--only', type=int, action='append', help='run only check index N (repeatable)')
    ap.add_argument('--agent', action='store_true', help=argparse.SUPPRESS)
    ap.add_argument('--probe', help=argparse.SUPPRESS)
    ap.add_argument('--log', help=argparse.SUPPRESS)
    ap.add_argument('--ready', help=argparse.SUPPRESS)
    ap.add_argument('--tcp', default='', help=argparse.SUPPRESS)
    ap.add_argument('--udp', default='', help=argparse.SUPPRESS)
    ap.add_argument('--cleanup', action='store_true', help='remove leftover vk* namespaces and exit')
    a = ap.parse_args()
    if a.agent:
        run_agent(a)
        return 0
    if a.probe:
        print(json.dumps(do_probe(json.loads(a.probe))))
        return 0
    if os.geteuid() != 0:
        print('kernel.py needs root (network namespaces)', file=sys.stderr)
        return 2
    lockf = open(LOCK, 'w')
    fcntl.flock(lockf, fcntl.LOCK_EX)
    signal.signal(signal.SIGTERM, _sig)
    signal.signal(signal.SIGINT, _sig)
    signal.signal(signal.SIGHUP, _sig)
    for ns in list_vk_netns():      # leftovers of an earlier interrupted run
        kill_ns(ns)
    if a.cleanup:
        return 0
    # ip_error()'s route-error rate limit (net.ipv4.route.error_cost, global
    # only) shares the per-peer token bucket with ICMP rate limiting, so a
    # net-unreachable within 1s of another ICMP to the same host is suppressed.
    # Disable it for the run and restore it afterwards.
    ec_path = '/proc/sys/net/ipv4/route/error_cost'
    ec_old = open(ec_path).read().strip() if os.path.exists(ec_path) else None
    if ec_old is not None:
        open(ec_path, 'w').write('0')
    try:
        return _main(a)
    finally:
        if ec_old is not None:
            open(ec_path, 'w').write(ec_old)


def _main(a):
    results = []
    t0 = time.time()
    bad_input = False
    for fi, path in enumerate(a.files):
        try:
            topo = Topo(path)
        except BadInput as e:
            print(f'{path}: bad input: {e}')
            bad_input = True
            continue
        lab = Lab(topo, a.verbose)
        try:
            lab.build()
            for ci, c in enumerate(topo.checks):
                if a.only and ci not in a.only:
                    continue
                if 'scenario' in c:
                    results.append({'file': path, 'index': ci, 'check': describe(c), 'expected': 'scenario',
                                    'observed': 'not run (scenario)', 'status': 'SKIP'})
                    continue
                obs, fails = run_check(lab, c)
                st = 'PASS' if not fails else 'FAIL'
                row = {'file': path, 'index': ci, 'check': describe(c), 'expected': fmt_expect(c),
                       'observed': fmt_obs(obs, c), 'status': st, 'mismatch': fails}
                if a.verbose:
                    row['raw'] = obs['raw']
                    row['counters'] = obs['counters']
                    row['seen-at'] = obs.get('seen-at')
                results.append(row)
                if not a.json:
                    print(f'{os.path.basename(path)} #{ci:<2} {st}  {row["check"]:<44} expected {row["expected"]:<34} '
                          f'kernel {row["observed"]}' + (f'   raw={obs["raw"]} ctr={obs["counters"]}' if a.verbose else ''),
                          flush=True)
        except BadInput as e:
            print(f'{path}: bad input: {e}')
            bad_input = True
        except Interrupted:
            lab.teardown()
            raise
        except Exception as e:
            import traceback
            traceback.print_exc()
            results.append({'file': path, 'index': -1, 'check': 'build', 'expected': 'build ok',
                            'observed': f'error: {e}', 'status': 'FAIL'})
            print(f'{path}: ERROR {e}')
        finally:
            if not (a.keep and fi == len(a.files) - 1):
                lab.teardown()
    n_pass = sum(1 for r in results if r['status'] == 'PASS')
    n_fail = sum(1 for r in results if r['status'] == 'FAIL')
    summary = {'files': len(a.files), 'checks': len(results), 'passed': n_pass, 'failed': n_fail,
               'seconds': round(time.time() - t0, 1)}
    if a.json:
        print(json.dumps({'summary': summary, 'results': results}, indent=1))
    else:
        print(f'{n_pass} passed, {n_fail} failed ({len(a.files)} files, {summary["seconds"]}s)')
    return 2 if bad_input else (1 if n_fail else 0)


if __name__ == '__main__':
    try:
        sys.exit(main())
    except Interrupted as e:
        for ns in list_vk_netns():
            kill_ns(ns)
        print(f'interrupted ({e}); torn down', file=sys.stderr)
        sys.exit(130)

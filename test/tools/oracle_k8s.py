#!/usr/bin/env python3
"""Kernel oracle for vnet's `kubernetes:` section (docs/kubernetes.md).

Runs the shared oracle (kernel-oracle.py beside this file, unchanged) and, on
every Kubernetes node, programs iptables the way kube-proxy (iptables mode)
does: nat KUBE-SERVICES -> KUBE-SVC-* -> KUBE-SEP-* DNAT chains jumped from
PREROUTING and OUTPUT, and the filter table's REJECT rule
(icmp-port-unreachable) for a Service port with no ready endpoint, jumped
from FORWARD and OUTPUT for new connections. Kubernetes nodes forward
(ip_forward=1). The kernel's `statistic --mode random` choice between
endpoints is replaced by one rule per probe check, matching the probe's
source address and port, that jumps to the endpoint vnet's documented rule
picks (FNV-1a of the 5-tuple modulo the ready endpoints in pod id order),
so the kernel is asked about exactly the endpoint vnet names.

    python3 oracle_k8s.py FILE.vnet.yaml [...]     (same options as the base)
"""
import importlib.util
import ipaddress
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('kernel_oracle', os.path.join(_here, 'kernel-oracle.py'))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

base.TOP_KEYS.add('kubernetes')
PROTO = {'icmp': 1, 'tcp': 6, 'udp': 17}


def fnv1a(src, dst, sport, dport, proto):
    b = int(ipaddress.ip_address(src)).to_bytes(4, 'big') + int(ipaddress.ip_address(dst)).to_bytes(4, 'big') + \
        sport.to_bytes(2, 'big') + dport.to_bytes(2, 'big') + bytes([proto])
    h = 0x811c9dc5
    for x in b:
        h = ((h ^ x) * 0x01000193) & 0xffffffff
    return h


def selected(k, svc):
    sel = svc.get('selector') or {}
    if not sel:
        return []
    ns = svc.get('namespace', 'default')
    out = []
    for pid, pod in (k.get('pods') or {}).items():
        labels = pod.get('labels') or {}
        if pod.get('ready', True) and pod.get('namespace', 'default') == ns and all(labels.get(a) == v for a, v in sel.items()):
            out.append(pid)
    return sorted(out)


def kube_rules(t):
    """(nat lines, filter lines) that kube-proxy would program on every node."""
    k = t.d.get('kubernetes') or {}
    nat = [':KUBE-SERVICES - [0:0]', '-A PREROUTING -j KUBE-SERVICES', '-A OUTPUT -j KUBE-SERVICES']
    filt = [':KUBE-SERVICES - [0:0]', '-I FORWARD 1 -m conntrack --ctstate NEW -j KUBE-SERVICES',
            '-I OUTPUT 1 -m conntrack --ctstate NEW -j KUBE-SERVICES']
    for si, (name, svc) in enumerate((k.get('services') or {}).items()):
        eps = selected(k, svc)
        for pi, p in enumerate(svc['ports']):
            proto = p.get('protocol', 'tcp')
            tport = p.get('target_port', p['port'])
            cip = svc['cluster_ip']
            match = f'-d {cip}/32 -p {proto} -m {proto} --dport {p["port"]}'
            if not eps:
                filt.append(f'-A KUBE-SERVICES {match} -m comment --comment vk-reject-kube-{si}-{pi} '
                            f'-j REJECT --reject-with icmp-port-unreachable')
                continue
            chain = f'KUBE-SVC-{si}-{pi}'
            nat.append(f':{chain} - [0:0]')
            nat.append(f'-A KUBE-SERVICES {match} -j {chain}')
            for ei, pod in enumerate(eps):
                addr = t.first_addr(pod)
                nat.append(f':KUBE-SEP-{si}-{pi}-{ei} - [0:0]')
                nat.append(f'-A KUBE-SEP-{si}-{pi}-{ei} -p {proto} -m {proto} -j DNAT --to-destination {addr}:{tport}')
            # one deterministic choice per probe check instead of `statistic --mode random`
            for c in t.checks:
                if 'scenario' in c or c.get('to') != cip or c.get('proto', 'icmp') != proto or c.get('port') != p['port']:
                    continue
                src = t.first_addr(c['from'])
                sport = c.get('sport', 40000)
                ei = fnv1a(src, cip, sport, p['port'], PROTO[proto]) % len(eps)
                nat.append(f'-A {chain} -s {src}/32 -p {proto} -m {proto} --sport {sport} -j KUBE-SEP-{si}-{pi}-{ei}')
    return nat, filt


_configure_filters = base.Lab.configure_filters


def configure_filters(self):
    _configure_filters(self)
    t = self.t
    k = t.d.get('kubernetes')
    if not k:
        return
    nat, filt = kube_rules(t)
    txt = '*nat\n' + '\n'.join(nat) + '\nCOMMIT\n*filter\n' + '\n'.join(filt) + '\nCOMMIT\n'
    for nid in k.get('nodes') or {}:
        base.nsx(nid, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1')
        base.nsx(nid, 'iptables-restore', '--noflush', inp=txt)
        self.tags[nid] = True
        self.log(nid, txt)


base.Lab.configure_filters = configure_filters

if __name__ == '__main__':
    try:
        sys.exit(base.main())
    except base.Interrupted as e:
        for ns in base.list_vk_netns():
            base.kill_ns(ns)
        print(f'interrupted ({e}); torn down', file=sys.stderr)
        sys.exit(130)

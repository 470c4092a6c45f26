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


# ---- NetworkPolicy (docs/kubernetes.md), shaped like an iptables CNI's chains ----
# On each Kubernetes node, FORWARD jumps (after kube-proxy's rules) to VK-NETPOL:
# ESTABLISHED,RELATED accepted first; then, for each pod of that node isolated
# for egress, `-s POD` to its egress chain, then, for each pod isolated for
# ingress, `-d POD` to its ingress chain. A chain RETURNs for what a rule of a
# selecting policy allows (peers as addresses: selectors resolved to the pods'
# addresses, ip_block minus its excepts), and DROPs (vk-deny-*) the rest.
# Traffic between a pod and its own node is INPUT/OUTPUT, never FORWARD: it
# passes, as Kubernetes says it must.

NS_NAME_LABEL = 'kubernetes.io/metadata.name'


def np_selector_matches(sel, labels):
    sel = sel or {}
    for key, v in (sel.get('match_labels') or {}).items():
        if labels.get(key) != v:
            return False
    for e in sel.get('match_expressions') or []:
        has = e['key'] in labels
        vals = e.get('values') or []
        op = e['operator']
        ok = {'In': has and labels.get(e['key']) in vals, 'NotIn': not has or labels.get(e['key']) not in vals,
              'Exists': has, 'DoesNotExist': not has}[op]
        if not ok:
            return False
    return True


def np_ns_labels(k, ns):
    out = dict(((k.get('namespaces') or {}).get(ns) or {}).get('labels') or {})
    out[NS_NAME_LABEL] = ns
    return out


def np_types(pol):
    return pol.get('policy_types') or (['Ingress', 'Egress'] if pol.get('egress') else ['Ingress'])


def np_peer_cidrs(t, k, pol, peer):
    """The peer as a list of CIDRs."""
    if 'ip_block' in peer:
        nets = [ipaddress.ip_network(peer['ip_block']['cidr'])]
        for ex in peer['ip_block'].get('except') or []:
            exn = ipaddress.ip_network(ex)
            nets = [r for n in nets for r in (n.address_exclude(exn) if exn.subnet_of(n) else [n])]
        return [str(n) for n in nets]
    out = []
    for pid, pod in sorted((k.get('pods') or {}).items()):
        ns = pod.get('namespace', 'default')
        if 'namespace_selector' in peer:
            if not np_selector_matches(peer['namespace_selector'], np_ns_labels(k, ns)):
                continue
        elif ns != pol.get('namespace', 'default'):
            continue
        if 'pod_selector' in peer and not np_selector_matches(peer['pod_selector'], pod.get('labels') or {}):
            continue
        out += [f'{a}/32' for a in t.addrs(pid)]
    return out


def np_port_matches(ports):
    if not ports:
        return ['']
    out = []
    for p in ports:
        proto = p.get('protocol', 'tcp')
        if 'port' in p:
            rng = f'{p["port"]}:{p["end_port"]}' if 'end_port' in p else str(p['port'])
            out.append(f'-p {proto} -m {proto} --dport {rng}')
        else:
            out.append(f'-p {proto}')
    return out


def netpol_rules(t, nid):
    """Filter-table lines of the NetworkPolicy chains on Kubernetes node nid ([] without policies)."""
    k = t.d.get('kubernetes') or {}
    pols = k.get('policies') or {}
    if not pols:
        return []
    out = [':VK-NETPOL - [0:0]', '-A FORWARD -j VK-NETPOL',
           '-A VK-NETPOL -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT']
    jumps = {'egress': [], 'ingress': []}
    for pi, (pid, pod) in enumerate(sorted((k.get('pods') or {}).items())):
        if pod['node'] != nid:
            continue
        ns = pod.get('namespace', 'default')
        for dirn, typ, peers_key, flag in (('egress', 'Egress', 'to', '-s'), ('ingress', 'Ingress', 'from', '-d')):
            sel = [pols[n] for n in sorted(pols) if pols[n].get('namespace', 'default') == ns
                   and np_selector_matches(pols[n]['pod_selector'], pod.get('labels') or {}) and typ in np_types(pols[n])]
            if not sel:
                continue
            chain = f'VK-NP-{pi}-{dirn[0].upper()}'
            out.append(f':{chain} - [0:0]')
            peer_flag = '-d' if dirn == 'egress' else '-s'
            for pol in sel:
                for rule in pol.get(dirn) or []:
                    peers = rule.get(peers_key) or []
                    cidrs = [c for peer in peers for c in np_peer_cidrs(t, k, pol, peer)] if peers else ['']
                    for c in cidrs:
                        for pm in np_port_matches(rule.get('ports')):
                            m = (f'{peer_flag} {c} ' if c else '') + pm
                            out.append(f'-A {chain} {m} -j RETURN'.replace('  ', ' '))
            out.append(f'-A {chain} -m comment --comment vk-deny-netpol-{pi}-{dirn} -j DROP')
            for a in t.addrs(pid):
                jumps[dirn].append(f'-A VK-NETPOL {flag} {a}/32 -j {chain}')
    return out + jumps['egress'] + jumps['ingress']


_configure_filters = base.Lab.configure_filters


def configure_filters(self):
    _configure_filters(self)
    t = self.t
    k = t.d.get('kubernetes')
    if not k:
        return
    nat, filt = kube_rules(t)
    for nid in k.get('nodes') or {}:
        txt = '*nat\n' + '\n'.join(nat) + '\nCOMMIT\n*filter\n' + '\n'.join(filt + netpol_rules(t, nid)) + '\nCOMMIT\n'
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

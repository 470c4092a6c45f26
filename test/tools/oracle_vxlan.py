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
"""
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('kernel_oracle', os.path.join(_HERE, 'kernel-oracle.py'))
base = importlib.util.module_from_spec(_spec)
sys.modules['kernel_oracle'] = base
_spec.loader.exec_module(base)

base.TOP_KEYS = base.TOP_KEYS | {'overlay'}
base.NODE_KEYS = base.NODE_KEYS | {'vtep'}
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
    for nid, ifn, i, _ in seg:   # the base builds attachments only: hide the segment ones
        hidden[(nid, ifn)] = self.t.nodes[nid]['interfaces'].pop(ifn)
    try:
        _orig_attach(self, bridged_uplinks)
    finally:
        for (nid, ifn), i in hidden.items():
            self.t.nodes[nid]['interfaces'][ifn] = i
    build_overlay(self, seg)


def build_overlay(self, seg):
    t = self.t
    segments = (t.d.get('overlay') or {}).get('segments') or {}
    hosts = {}
    for _, _, i, hv in seg:
        hosts.setdefault(i['segment'], set()).add(hv)
    gctr = 0
    for name, hvs in hosts.items():
        vni = int(segments[name]['vni'])
        for hv in sorted(hvs):
            ns = base.nsname(hv)
            br, vx = 'OV%d' % vni, 'vx%d' % vni
            base.run(['ip', '-n', ns, 'link', 'add', br, 'type', 'bridge', 'stp_state', '0'])
            base.run(['ip', '-n', ns, 'link', 'set', 'dev', br, 'up'])
            base.run(['ip', '-n', ns, 'link', 'add', vx, 'type', 'vxlan', 'id', str(vni), 'local', vtep_ip(t, hv),
                      'dstport', '4789', 'nolearning'])
            base.run(['ip', '-n', ns, 'link', 'set', 'dev', vx, 'mtu', str(VX_MTU), 'master', br, 'up'])
            for other in sorted(hvs - {hv}):
                base.run(['bridge', '-n', ns, 'fdb', 'append', '00:00:00:00:00:00', 'dev', vx, 'dst', vtep_ip(t, other)])
    for nid, ifn, i, hv in seg:
        gctr += 1
        g = 'S%d' % gctr
        self.veth(base.nsname(nid), ifn, base.nsname(hv), g)
        br = 'OV%d' % int(segments[i['segment']]['vni'])
        base.run(['ip', '-n', base.nsname(hv), 'link', 'set', 'dev', g, 'master', br, 'mtu', str(i.get('mtu', 1500)), 'up'])
        self.dev_of[(nid, ifn)] = ifn


base.Lab.build = build
base.Lab.build_attachments = build_attachments

if __name__ == '__main__':
    sys.exit(base.main())

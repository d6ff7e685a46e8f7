"""The small networks the faults are seeded into: scenario text with placeholders, and shipped
scenarios (loaded by name) with their addresses rewritten.

Every address comes from the variant's own private prefixes (10.x, 172.16-31.x, 192.168.x)
and the public side from the documentation ranges (RFC 5737), so a variant never names a
real network. Only ever simulated: nothing here sends a packet.
"""

from __future__ import annotations

# {C}: clients /16, {D}: database /16, {N}: NLB /24, {P}: private /24, {M}: management /24,
# {T}: transit /24 between the two routers. {w1} {w2}: the web servers, {nlb} {priv}: NIC labels.
NLB_FARM = """
name: {name}
title: "{title}"
nodes:
  {w1}:
    os: windows-2008r2
    interfaces:
      nlb: {{label: {nlb}, segment: lan-nlb, addresses: [{N}.21/24, {N}.100/24], speed: {nlb_speed}{nlb_gw}}}
      private: {{label: {priv}, segment: lan-private, addresses: [{P}.21/24], speed: {priv_speed}{priv_gw}}}
    routes: {routes1}
  {w2}:
    os: windows-2008r2
    interfaces:
      nlb: {{label: {nlb}, segment: lan-nlb, addresses: [{N}.22/24, {N}.100/24], speed: {nlb_speed}{nlb_gw}}}
      private: {{label: {priv}, segment: lan-private, addresses: [{P}.22/24], speed: {priv_speed}{priv_gw}}}
    routes: {routes2}
  core:
    role: router
    interfaces:
      nlb: {{segment: lan-nlb, addresses: [{N}.1/24]}}
      clients: {{segment: lan-clients, addresses: [{C}.0.1/16]}}
      db: {{segment: lan-db, addresses: [{D}.0.1/16]}}
      transit: {{segment: transit, addresses: [{T}.1/24]{core_gw}}}
  edge:
    role: router
    interfaces:
      private: {{segment: lan-private, addresses: [{P}.1/24]}}
      mgmt: {{segment: lan-mgmt, addresses: [{M}.1/24]}}
      transit: {{segment: transit, addresses: [{T}.2/24]}}
    routes:
      - {{destination: {C}.0.0/16, gateway: {T}.1, interface: transit}}
      - {{destination: {D}.0.0/16, gateway: {T}.1, interface: transit}}
      - {{destination: {N}.0/24, gateway: {T}.1, interface: transit}}
{internet}
  pc1:
    interfaces:
      lan: {{label: Ethernet, segment: lan-clients, addresses: [{C}.5.5/16], gateways: [{C}.0.1]}}
  db1:
    interfaces:
      lan: {{label: Ethernet, segment: lan-db, addresses: [{D}.0.10/16], gateways: [{D}.0.1]}}
  mon1:
    interfaces:
      lan: {{label: Ethernet, segment: lan-mgmt, addresses: [{M}.10/24], gateways: [{M}.1]}}
clusters:
  web:
    ip: {N}.100
    members: [{w1}.nlb, {w2}.nlb]
    affinity: single
"""

INTERNET_EDGE = """
  isp:
    role: router
    interfaces:
      transit: {{segment: transit, addresses: [{T}.3/24], gateways: [{T}.1]}}
      internet: {{segment: internet, addresses: [198.51.100.1/24]}}
  upd1:
    interfaces:
      lan: {{label: Ethernet, segment: internet, addresses: [198.51.100.80/24], gateways: [198.51.100.1]}}
"""

# A host with two gateways on one LAN (dead gateway detection) or two NICs (metrics).
TWO_GATEWAYS = """
name: {name}
title: "{title}"
nodes:
  {h}:
    os: windows-2008r2
    interfaces:
      lan: {{label: {lan}, segment: lan, addresses: [{L}.10/24], gateways: [{L}.1, {L}.2]}}
  r1:
    role: router
    down: true
    interfaces:
      lan: {{segment: lan, addresses: [{L}.1/24]}}
      wan: {{segment: wan, addresses: [{W}.1/24]}}
  r2:
    role: router
    interfaces:
      lan: {{segment: lan, addresses: [{L}.2/24]}}
      wan: {{segment: wan, addresses: [{W}.2/24]}}
  s1:
    interfaces:
      lan: {{label: Ethernet, segment: wan, addresses: [{W}.50/24], gateways: [{W}.2]}}
  s2:
    interfaces:
      lan: {{label: Ethernet, segment: wan, addresses: [{W}.60/24], gateways: [{W}.2]}}
"""

TWO_NICS = """
name: {name}
title: "{title}"
nodes:
  {h}:
    os: windows-2008r2
    interfaces:
      fast: {{label: {lan_a}, segment: lan-a, addresses: [{A}.10/24], gateways: [{A}.1], speed: 1000{metric_a}}}
      slow: {{label: {lan_b}, segment: lan-b, addresses: [{B}.10/24], gateways: [{B}.1], speed: 100}}
  ra:
    role: router
    interfaces:
      lan: {{segment: lan-a, addresses: [{A}.1/24]}}
      core: {{segment: core, addresses: [{S}.1/24], gateways: [{S}.2]}}
    routes:
      - {{destination: {B}.0/24, gateway: {S}.2, interface: core}}
  rb:
    role: router
    interfaces:
      lan: {{segment: lan-b, addresses: [{B}.1/24]}}
      core: {{segment: core, addresses: [{S}.2/24]}}
      internet: {{segment: internet, addresses: [198.51.100.1/24]}}
    routes:
      - {{destination: {A}.0/24, gateway: {S}.1, interface: core}}
    firewall:
      default_forward: deny
      rules:
        - {{action: allow, direction: forward, out_interface: internet, name: out to the internet}}
        - {{action: allow, direction: forward, in_interface: internet, name: in from the internet}}
  s3:
    interfaces:
      lan: {{label: Ethernet, segment: core, addresses: [{S}.30/24], gateways: [{S}.1]}}
  upd1:
    interfaces:
      lan: {{label: Ethernet, segment: internet, addresses: [198.51.100.80/24], gateways: [198.51.100.1]}}
"""


def shipped_variant(name: str, mapping: dict[str, str]):
    """A shipped scenario with its addresses replaced (longest first, so no prefix eats another)."""
    from ..scenario import load_scenario, parse_scenario, to_yaml

    text = to_yaml(load_scenario(name))
    olds = sorted(mapping, key=len, reverse=True)
    for n, old in enumerate(olds):
        text = text.replace(old, f"labkitplaceholder{n}z")
    for n, old in enumerate(olds):
        text = text.replace(f"labkitplaceholder{n}z", mapping[old])
    return parse_scenario(text, f"<lab variant of {name}>")

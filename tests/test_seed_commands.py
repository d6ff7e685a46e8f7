"""Every command line of the field notes, pasted as it stands, gets the answer Windows would give.

The lines are copied verbatim from the two NLB parts of the field notes (tests may not read
the notes themselves): the lines that start with `Route add` or `netsh`, and the indented
`netsh interface ipv4 show interface l=verbose` (its indent is the web page's no-break
spaces). Each distinct line is listed once; the second part repeats the first part's lines
word for word, and `test_the_repeated_lines_get_the_same_answer_in_the_same_subnet_design`
runs them again in that part's design.

Scenarios: the notes' first design (default gateway on the PRIVATE NIC, static routes on the
NLB NIC) is `nlb-intranet`; the second (gateway on the NLB NIC, PRIVATE NIC at 172.16.2.x
routing via 172.16.2.1) is `nlb-internet`; the same-subnet design is `nlb-same-subnet`.
The shipped scenarios already carry the notes' static routes, so each test starts from the
scenario with those routes deleted, as a server is before you type them.
"""

import pytest

from labkit.model import CommandError, apply_command, restart, trace
from labkit.model.cmdline import OWN_WORDING
from labkit.scenario import load_scenario

INDENT = "\u00a0 " * 10
SEED_COMMAND_LINES = (
    "Route add -p 10.30.0.0 mask 255.255.0.0 10.10.0.1",
    "Route add -p 10.20.0.0 mask 255.255.0.0 10.10.0.1",
    "netsh interface ipv4 add route 10.30.0.0/16 \u201cNLB NIC\u201d 10.10.0.1",
    "netsh interface ipv4 add route 10.20.0.0/16 \u201cNLB NIC\u201d 10.10.0.1",
    "netsh interface ipv4 set interface Private NIC weakhostsend=enabled",
    "netsh interface ipv4 set interface Private NIC weakhostreceive=enabled",
    "netsh interface ipv4 set interface NLB NIC weakhostsend=enabled",
    "netsh interface ipv4 set interface NLB NIC weakhostreceive=enabled",
    "netsh interface ipv4 set interface \u201cNLB NIC\u201d forwarding=enabled",
    INDENT + "netsh interface ipv4 show interface l=verbose",
    "Route add -p 10.20.0.0 mask 255.255.0.0 172.16.2.1",
    "netsh interface ipv4 add route 10.20.0.0/16 \u201cPRIVATE NIC\u201d 172.16.2.1",
)
# The lines the notes' second part repeats in its same-subnet design.
REPEATED_IN_SAME_SUBNET_PART = SEED_COMMAND_LINES[:9]

# Accepted: (scenario, destination, gateway, interface key of the new route).
ACCEPTED_ROUTES = {
    SEED_COMMAND_LINES[0]: ("nlb-intranet", "10.30.0.0/16", "10.10.0.1", "nlb"),
    SEED_COMMAND_LINES[1]: ("nlb-intranet", "10.20.0.0/16", "10.10.0.1", "nlb"),
    SEED_COMMAND_LINES[10]: ("nlb-internet", "10.20.0.0/16", "172.16.2.1", "private"),
}
# Refused because cmd.exe does not take “ ” as quotes: (scenario, the command the hint gives).
TYPOGRAPHIC = {
    SEED_COMMAND_LINES[2]: ("nlb-intranet", 'netsh interface ipv4 add route 10.30.0.0/16 "NLB NIC" 10.10.0.1'),
    SEED_COMMAND_LINES[3]: ("nlb-intranet", 'netsh interface ipv4 add route 10.20.0.0/16 "NLB NIC" 10.10.0.1'),
    SEED_COMMAND_LINES[8]: ("nlb-intranet", 'netsh interface ipv4 set interface "NLB NIC" forwarding=enabled'),
    SEED_COMMAND_LINES[11]: ("nlb-internet", 'netsh interface ipv4 add route 10.20.0.0/16 "PRIVATE NIC" 172.16.2.1'),
}
# Refused because the name has a space and no quotes: (the command the hint gives, interface, switch).
UNQUOTED = {
    SEED_COMMAND_LINES[4]: (
        'netsh interface ipv4 set interface "Private NIC" weakhostsend=enabled',
        "private",
        "weakhostsend",
    ),
    SEED_COMMAND_LINES[5]: (
        'netsh interface ipv4 set interface "Private NIC" weakhostreceive=enabled',
        "private",
        "weakhostreceive",
    ),
    SEED_COMMAND_LINES[6]: ('netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled', "nlb", "weakhostsend"),
    SEED_COMMAND_LINES[7]: (
        'netsh interface ipv4 set interface "NLB NIC" weakhostreceive=enabled',
        "nlb",
        "weakhostreceive",
    ),
}
SHOW_VERBOSE = SEED_COMMAND_LINES[9]
# netsh's own message for a word it cannot use (public console captures). The notes' names
# without quotes put "NIC" where `forwarding=` expects enabled or disabled.
NOT_VALID_NIC = (
    "'NIC' is not a valid argument for this command. "
    "The syntax supplied for this command is not valid. Check help for the correct syntax."
)
STATIC_ROUTES = {"nlb-intranet": ("10.30.0.0", "10.20.0.0"), "nlb-internet": ("10.20.0.0",), "nlb-same-subnet": ()}


def before_the_routes(name):
    """The scenario as a server is before the notes' static routes are typed."""
    net = load_scenario(name)
    for web in ("web1", "web2"):
        for destination in STATIC_ROUTES[name]:
            net, answer = apply_command(net, web, f"route delete {destination} mask 255.255.0.0")
            assert answer == " OK!"
        assert net.node(web).routes == ()
    return net


def on_both_nodes(net, line):
    for web in ("web1", "web2"):
        net, _ = apply_command(net, web, line)
    return net


def gets_its_answer(net, client, target):
    result = trace(net, client, target, reply=True)
    return result.accepted and result.reply is not None and result.reply.succeeded


def test_every_seed_line_has_its_expected_answer():
    assert len(set(SEED_COMMAND_LINES)) == len(SEED_COMMAND_LINES) == 12
    answered = set(ACCEPTED_ROUTES) | set(TYPOGRAPHIC) | set(UNQUOTED) | {SHOW_VERBOSE}
    assert answered == set(SEED_COMMAND_LINES)


@pytest.mark.parametrize("line", ACCEPTED_ROUTES)
def test_seed_route_add_is_accepted_as_a_persistent_route(line):
    scenario, destination, gateway, key = ACCEPTED_ROUTES[line]
    net, answer = apply_command(before_the_routes(scenario), "web1", line)
    assert answer == " OK!"
    [route] = net.node("web1").routes
    assert (str(route.destination), str(route.gateway), route.interface) == (destination, gateway, key)
    assert route.persistent and route.metric == 1
    assert restart(net.node("web1")).routes == (route,)


def test_seed_routes_on_the_nlb_nic_bring_back_the_clients_and_database_replies():
    net = before_the_routes("nlb-intranet")
    assert not gets_its_answer(net, "pc1", "10.10.0.100") and not gets_its_answer(net, "db1", "10.10.0.100")
    for line in SEED_COMMAND_LINES[:2]:
        net = on_both_nodes(net, line)
    assert gets_its_answer(net, "pc1", "10.10.0.100") and gets_its_answer(net, "db1", "10.10.0.100")
    reply = trace(net, "pc1", "10.10.0.100", reply=True).reply
    assert reply.hops[0].out_iface == "nlb"


def test_seed_route_on_the_private_nic_lets_the_database_reach_it():
    net = before_the_routes("nlb-internet")
    assert not gets_its_answer(net, "db1", "172.16.2.21")
    net = on_both_nodes(net, SEED_COMMAND_LINES[10])
    assert gets_its_answer(net, "db1", "172.16.2.21") and gets_its_answer(net, "db1", "172.16.2.22")


@pytest.mark.parametrize("line", TYPOGRAPHIC)
def test_seed_typographic_quotes_are_refused_and_the_hint_is_the_straight_quoted_command(line):
    scenario, fixed = TYPOGRAPHIC[line]
    net = before_the_routes(scenario)
    with pytest.raises(CommandError) as err:
        apply_command(net, "web1", line)
    # No source gives netsh's words for this; the kit's own are marked as such.
    assert err.value.own_wording and str(err.value).startswith(OWN_WORDING)
    name = line.split("\u201c")[1].split("\u201d")[0]
    first, last = name.split()
    assert err.value.message.startswith("cmd.exe does not treat \u201c \u201d as quotes")
    assert f"\u201c{first} and {last}\u201d" in err.value.message
    assert err.value.hint == f"type straight double quotes: {fixed}"
    assert fixed == line.replace("\u201c", '"').replace("\u201d", '"')
    # The hinted command is accepted and does what the notes meant.
    changed, answer = apply_command(net, "web1", fixed)
    assert answer == "Ok."
    web1 = changed.node("web1")
    if "forwarding" in fixed:
        assert web1.interface("nlb").forwarding and not web1.interface("private").forwarding
    else:
        [route] = web1.routes
        destination, label, gateway = fixed.split()[5], fixed.split('"')[1], fixed.split()[-1]
        assert (str(route.destination), web1.interface(route.interface).label, str(route.gateway)) == (
            destination,
            label,
            gateway,
        )
        assert route.persistent and route.metric == 256  # netsh's default route metric


def test_seed_netsh_routes_typed_with_straight_quotes_bring_back_the_replies():
    net = before_the_routes("nlb-intranet")
    for line in SEED_COMMAND_LINES[2:4]:
        net = on_both_nodes(net, TYPOGRAPHIC[line][1])
    assert gets_its_answer(net, "pc1", "10.10.0.100") and gets_its_answer(net, "db1", "10.10.0.100")
    net = on_both_nodes(before_the_routes("nlb-internet"), TYPOGRAPHIC[SEED_COMMAND_LINES[11]][1])
    assert gets_its_answer(net, "db1", "172.16.2.21")


@pytest.mark.parametrize("line", UNQUOTED)
def test_seed_unquoted_names_are_refused_with_netsh_message_and_the_quoted_command(line):
    fixed, key, switch = UNQUOTED[line]
    net = before_the_routes("nlb-intranet")
    with pytest.raises(CommandError) as err:
        apply_command(net, "web1", line)
    assert err.value.message == NOT_VALID_NIC and not err.value.own_wording
    assert err.value.hint == f"a name with spaces needs straight double quotes: {fixed}"
    changed, answer = apply_command(net, "web1", fixed)
    assert answer == "Ok."
    before, after = net.node("web1"), changed.node("web1")
    for iface in after.interfaces:
        for name in ("weakhostsend", "weakhostreceive", "forwarding"):
            expected = True if (iface.key, name) == (key, switch) else getattr(before.interface(iface.key), name)
            assert getattr(iface, name) == expected


def test_seed_weak_host_send_or_forwarding_on_the_nlb_nic_also_brings_back_the_replies():
    # The notes' alternatives to static routes, typed with quotes as the hints say.
    for fixed in (UNQUOTED[SEED_COMMAND_LINES[6]][0], TYPOGRAPHIC[SEED_COMMAND_LINES[8]][1]):
        net = on_both_nodes(before_the_routes("nlb-intranet"), fixed)
        assert gets_its_answer(net, "pc1", "10.10.0.100")
        assert trace(net, "pc1", "10.10.0.100", reply=True).reply.hops[0].out_iface == "private"


def test_seed_show_interface_l_verbose_prints_each_nic_verbose_block():
    net = before_the_routes("nlb-intranet")
    _, text = apply_command(net, "web1", SHOW_VERBOSE)
    assert "Idx     Met" not in text
    for label in ("NLB NIC", "PRIVATE NIC"):
        block = text.split(f"\nInterface {label} Parameters\n{'-' * 46}\n")[1].split("\n\n")[0]
        assert "Weak Host Sends                    : disabled" in block.splitlines()
        assert "Weak Host Receives                 : disabled" in block.splitlines()
        assert "Forwarding                         : disabled" in block.splitlines()
    _, after = apply_command(apply_command(net, "web1", UNQUOTED[SEED_COMMAND_LINES[6]][0])[0], "web1", SHOW_VERBOSE)
    nlb = after.split("\nInterface NLB NIC Parameters\n")[1].split("\n\n")[0]
    assert "Weak Host Sends                    : enabled" in nlb.splitlines()


@pytest.mark.parametrize("line", REPEATED_IN_SAME_SUBNET_PART)
def test_the_repeated_lines_get_the_same_answer_in_the_same_subnet_design(line):
    net = before_the_routes("nlb-same-subnet")
    if line in ACCEPTED_ROUTES:
        changed, answer = apply_command(net, "web1", line)
        [route] = changed.node("web1").routes
        assert answer == " OK!" and route.persistent and str(route.gateway) == "10.10.0.1"
        return
    with pytest.raises(CommandError) as err:
        apply_command(net, "web1", line)
    if line in TYPOGRAPHIC:
        assert err.value.own_wording and err.value.hint.endswith(TYPOGRAPHIC[line][1])
    else:
        assert err.value.message == NOT_VALID_NIC and err.value.hint.endswith(UNQUOTED[line][0])

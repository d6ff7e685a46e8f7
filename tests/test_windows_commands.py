"""route.exe, netsh and cmd.exe read a command line as Windows reads it (issue 9, items 1-3)."""

import json

import pytest

from labkit.cli import main
from labkit.model import CommandError, apply_command, profile, restart, route_print, run_command, split_command_line
from labkit.model.cmdline import OWN_WORDING
from labkit.scenario import load_scenario

NOTES_ROUTE = "Route add -p 10.30.0.0 mask 255.255.0.0 10.10.0.1"
NOT_VALID = (
    "'NIC' is not a valid argument for this command. "
    "The syntax supplied for this command is not valid. Check help for the correct syntax."
)


def web1_without_static_routes():
    node, _ = run_command(
        load_scenario("nlb-intranet").node("web1"),
        "route delete 10.30.0.0 mask 255.255.0.0 && route delete 10.20.0.0 mask 255.255.0.0",
    )
    assert node.routes == ()
    return node


def the_route(node, destination):
    [route] = [r for r in node.routes if str(r.destination) == destination]
    return route


# --- item 1: route.exe's switches and keywords --------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        NOTES_ROUTE,
        "route -p add 10.30.0.0 mask 255.255.0.0 10.10.0.1",
        "ROUTE ADD /P 10.30.0.0 MASK 255.255.0.0 10.10.0.1",
        "route add 10.30.0.0 mask 255.255.0.0 10.10.0.1 -p",
        "route -4 add -p 10.30.0.0 mask 255.255.0.0 10.10.0.1 METRIC 1",
        "route.exe Add -P 10.30.0.0 Mask 255.255.0.0 10.10.0.1",
    ],
)
def test_route_exe_takes_p_before_or_after_the_command_word_and_keywords_in_any_case(command):
    node, answer = run_command(web1_without_static_routes(), command)
    assert answer == " OK!"
    route = the_route(node, "10.30.0.0/16")
    assert (str(route.gateway), route.interface, route.persistent, route.metric) == ("10.10.0.1", "nlb", True, 1)
    assert the_route(restart(node), "10.30.0.0/16") == route  # -p: it survives a restart


def test_route_exe_without_p_anywhere_adds_a_route_that_a_restart_removes():
    node, _ = run_command(web1_without_static_routes(), "Route add 10.30.0.0 mask 255.255.0.0 10.10.0.1")
    assert the_route(node, "10.30.0.0/16").persistent is False
    assert restart(node).routes == ()


@pytest.mark.parametrize(
    "command,message,hint",
    [
        (
            "route add -f 10.30.0.0 mask 255.255.0.0 10.10.0.1",
            "route -f (clear all gateway routes) is not modelled",
            "route delete",
        ),
        ("route add -x 10.30.0.0 mask 255.255.0.0 10.10.0.1", "route: unknown switch -x", "-p, -f and -4"),
        ("route add -6 10.30.0.0 mask 255.255.0.0 10.10.0.1", "labkit models IPv4 only", "-4"),
        (
            "route add 10.30.0.0 mask 255.255.0.0 10.10.0.1 10.10.0.2",
            "unexpected argument '10.10.0.2'",
            "MASK netmask gateway",
        ),
    ],
)
def test_route_exe_switches_after_the_command_word_are_read_as_switches(command, message, hint):
    with pytest.raises(CommandError) as err:
        run_command(web1_without_static_routes(), command)
    assert message in err.value.message and hint in err.value.hint


def test_route_exe_4_switch_does_not_exist_on_windows_2003():
    node = load_scenario("nlb-intranet").with_os("web1", profile("windows-2003")).node("web1")
    with pytest.raises(CommandError, match="has no -4 switch"):
        run_command(node, "route -4 print")
    assert run_command(node, "route -p print")[1].startswith("=" * 75)


def test_cli_reads_the_field_notes_route_add_on_nlb_intranet(capsys):
    # nlb-intranet ships with this very route, so Windows answers "already exists" (exit 2, one line) ...
    code = main(
        ["trace", "nlb-intranet", "--from", "pc1", "--to", "10.10.0.100", "--reply", "--run", f"web1: {NOTES_ROUTE}"]
    )
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "The route addition failed: The object already exists. Hint: web1 already has this route" in err
    assert "unexpected argument" not in err and err.count("\n") == 1
    # ... and once it is deleted, the same line puts it back and the database gets its answers.
    argv = ["trace", "nlb-intranet", "--from", "db1", "--to", "10.10.0.100", "--reply", "--json"]
    for web in ("web1", "web2"):
        argv += ["--run", f"{web}: route delete 10.30.0.0 mask 255.255.0.0"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr()[0])["reply"]["disposition"] != "ACCEPTED"
    for web in ("web1", "web2"):
        argv += ["--run", f"{web}: {NOTES_ROUTE}"]
    assert main(argv) == 0
    reply = json.loads(capsys.readouterr()[0])["reply"]
    assert reply["disposition"] == "ACCEPTED" and reply["hops"][0]["out"] == "nlb"


# --- item 2: cmd.exe's quotes, netsh's names ------------------------------------------------


def test_cmd_exe_takes_only_straight_double_quotes_as_quotes():
    assert split_command_line('netsh x "NLB NIC" name="PRIVATE NIC" y') == [
        ["netsh", "x", "NLB NIC", "name=PRIVATE NIC", "y"]
    ]
    assert split_command_line("netsh x \u201cNLB NIC\u201d \u2018a b\u2019 y") == [
        ["netsh", "x", "\u201cNLB", "NIC\u201d", "\u2018a", "b\u2019", "y"]
    ]
    assert split_command_line("\u00a0 \u00a0 route print") == [["route", "print"]]


def test_typographic_quotes_are_refused_in_the_kits_marked_words_with_the_straight_quoted_command():
    node = web1_without_static_routes()
    with pytest.raises(CommandError) as err:
        run_command(node, "netsh interface ipv4 set interface name=\u201cNLB NIC\u201d weakhostsend=enabled")
    assert err.value.own_wording and str(err.value).startswith(OWN_WORDING)
    assert "\u201cNLB and NIC\u201d" in err.value.message
    assert err.value.hint.endswith('netsh interface ipv4 set interface name="NLB NIC" weakhostsend=enabled')


def test_unquoted_name_with_a_space_is_refused_with_netsh_message_and_the_quoted_command():
    node = web1_without_static_routes()
    with pytest.raises(CommandError) as err:
        run_command(node, "netsh int ipv4 set int nlb nic weakhostsend=enabled")
    assert err.value.message == NOT_VALID.replace("NIC", "nic", 1) and not err.value.own_wording
    assert err.value.hint.endswith('netsh int ipv4 set int "nlb nic" weakhostsend=enabled')
    # A name the node does not have: the same message; the hint lists the names it has.
    with pytest.raises(CommandError) as err:
        run_command(node, "netsh interface ipv4 set interface WAN NIC weakhostsend=enabled")
    assert err.value.message == NOT_VALID
    assert err.value.hint.endswith('web1 has: "NLB NIC", "PRIVATE NIC"')


def test_netsh_checks_values_and_names_its_required_parameters():
    node = web1_without_static_routes()
    with pytest.raises(CommandError) as err:
        run_command(node, 'netsh interface ipv4 set interface "NLB NIC" weakhostsend=on')
    assert err.value.message.startswith("'weakhostsend=on' is not a valid argument for this command.")
    assert err.value.hint == "weakhostsend must be enabled or disabled"
    with pytest.raises(CommandError) as err:
        run_command(node, "netsh interface ipv4 add route 10.50.0.0/16")
    assert err.value.message.startswith("One or more essential parameters were not entered.")
    assert err.value.hint == "give interface"
    with pytest.raises(CommandError) as err:
        run_command(node, "netsh interface ipv4 show foo")
    assert err.value.message == "The following command was not found: interface ipv4 show foo."


# --- item 3: show interface l=verbose, route print -p, netsh's default metric ------------


def verbose_block(text, label):
    block = text.split(f"Interface {label} Parameters\n")[1].split("\n\n")[0]
    assert block.startswith("-" * 46 + "\n")
    return dict((line[:35].rstrip(), line[37:]) for line in block.splitlines()[1:] if line[35:37] == ": ")


def test_show_interface_l_verbose_prints_a_verbose_block_for_every_interface():
    node, _ = run_command(
        web1_without_static_routes(),
        'netsh interface ipv4 set interface "PRIVATE NIC" weakhostsend=enabled forwarding=enabled',
    )
    node, text = run_command(node, "netsh interface ipv4 show interface l=verbose")
    assert "Idx     Met" not in text  # not the short table
    nlb, private = verbose_block(text, "NLB NIC"), verbose_block(text, "PRIVATE NIC")
    assert (nlb["IfIndex"], nlb["Metric"], nlb["Link MTU"]) == ("11", "10", "1500 bytes")
    assert (nlb["Weak Host Sends"], nlb["Weak Host Receives"], nlb["Forwarding"]) == ("disabled",) * 3
    assert (private["Weak Host Sends"], private["Weak Host Receives"], private["Forwarding"]) == (
        "enabled",
        "disabled",
        "enabled",
    )
    assert private["Use Automatic Metric"] == "enabled"
    # Windows Server 2008 R2's field list, in its order (IfLuid and Reachable Time made up, fixed).
    assert list(nlb) == [
        "IfLuid",
        "IfIndex",
        "State",
        "Metric",
        "Link MTU",
        "Reachable Time",
        "Base Reachable Time",
        "Retransmission Interval",
        "DAD Transmits",
        "Site Prefix Length",
        "Site Id",
        "Forwarding",
        "Advertising",
        "Neighbor Discovery",
        "Neighbor Unreachability Detection",
        "Router Discovery",
        "Managed Address Configuration",
        "Other Stateful Configuration",
        "Weak Host Sends",
        "Weak Host Receives",
        "Use Automatic Metric",
        "Ignore Default Routes",
        "Advertised Router Lifetime",
        "Advertise Default Route",
        "Current Hop Limit",
        "Force ARPND Wake up patterns",
        "Directed MAC Wake up patterns",
    ]
    assert text.rstrip().endswith("Directed MAC Wake up patterns      : disabled")  # Windows's text, nothing added
    assert run_command(node, "netsh int ipv4 show interfaces level=verbose")[1] == text


@pytest.mark.parametrize(
    "os_name,first_extra,last",
    [
        ("windows-2008", "Compartment Id", "Ignore Default Routes"),
        ("windows-2008r2", None, "Directed MAC Wake up patterns"),
        ("windows-2012r2", None, "ECN capability"),
        ("windows-2022", None, "DHCP/Static IP coexistence"),
    ],
)
def test_show_interface_verbose_block_follows_each_windows_version(os_name, first_extra, last):
    node = load_scenario("nlb-intranet").with_os("web1", profile(os_name)).node("web1")
    fields = list(verbose_block(run_command(node, 'netsh interface ipv4 show interface "NLB NIC"')[1], "NLB NIC"))
    assert fields[-1] == last
    assert (fields[2] == "Compartment Id") == (first_extra == "Compartment Id")


def test_show_interface_with_a_name_prints_its_block_and_level_normal_the_table():
    node = web1_without_static_routes()
    one = run_command(node, "netsh interface ipv4 show interface 12")[1]
    assert "Interface PRIVATE NIC Parameters" in one and "Interface NLB NIC" not in one
    table = run_command(node, 'netsh interface ipv4 show interface "NLB NIC" level=normal')[1]
    assert table.splitlines()[1].startswith("Idx     Met") and table.splitlines()[-1].endswith("  NLB NIC")
    assert len(table.splitlines()) == 4


def test_route_print_p_shows_the_persistent_routes_only():
    node, _ = run_command(
        web1_without_static_routes(), f"{NOTES_ROUTE} && route add 10.40.0.0 mask 255.255.0.0 10.10.0.1"
    )
    for command in ("route print -p", "route -p print", "ROUTE /P PRINT -4"):
        text = run_command(node, command)[1]
        assert text == "\n".join(
            [
                "=" * 75,
                "Persistent Routes:",
                "  Network Address          Netmask  Gateway Address  Metric",
                "          0.0.0.0          0.0.0.0       172.16.2.1  Default",
                "        10.30.0.0      255.255.0.0        10.10.0.1  1",
                "=" * 75,
            ]
        )
        assert route_print(node).endswith(text[76:])  # the same block as at the end of route print
    assert "Active Routes:" in run_command(node, "route print")[1]


def test_netsh_add_route_without_metric_gets_route_metric_256_and_route_exe_1():
    node, answer = run_command(
        web1_without_static_routes(),
        'netsh interface ipv4 add route 10.30.0.0/16 "NLB NIC" 10.10.0.1 && '
        "route add 10.20.0.0 mask 255.255.0.0 10.10.0.1",
    )
    assert answer == "Ok.\n OK!"
    assert the_route(node, "10.30.0.0/16").metric == 256 and the_route(node, "10.20.0.0/16").metric == 1
    shown = run_command(node, "netsh interface ipv4 show route")[1]
    assert "No       Manual    256  10.30.0.0/16               11  10.10.0.1" in shown
    assert "No       Manual    1    10.20.0.0/16               11  10.10.0.1" in shown
    # route print adds the interface metric (10 for this 1 Gb/s NIC on 2008 R2).
    assert "        10.30.0.0      255.255.0.0        10.10.0.1       10.10.0.21    266" in route_print(node)


def test_apply_command_refusals_keep_the_network_unchanged():
    net = load_scenario("nlb-intranet")
    with pytest.raises(CommandError):
        apply_command(net, "web1", "netsh interface ipv4 set interface NLB NIC weakhostsend=enabled")
    assert not net.node("web1").interface("nlb").weakhostsend


def test_set_interface_metric_is_shown_in_the_verbose_block_and_runs_back_from_node_commands():
    from labkit.model import node_commands

    node, answer = run_command(web1_without_static_routes(), 'netsh interface ipv4 set interface "NLB NIC" metric=5')
    assert answer == "Ok." and node.interface("nlb").metric == 5
    block = verbose_block(run_command(node, "netsh interface ipv4 show interface l=verbose")[1], "NLB NIC")
    assert (block["Metric"], block["Use Automatic Metric"]) == ("5", "disabled")
    line = next(c for c in node_commands(node) if c.endswith("metric=5"))
    assert run_command(web1_without_static_routes(), line)[0] == node


def test_unquoted_name_in_add_route_gets_the_quoted_command_as_hint():
    with pytest.raises(CommandError) as err:
        run_command(web1_without_static_routes(), "netsh interface ipv4 add route 10.30.0.0/16 NLB NIC 10.10.0.1")
    assert err.value.own_wording and "'NIC' is not an IPv4 address for nexthop" in err.value.message
    assert err.value.hint.endswith('netsh interface ipv4 add route 10.30.0.0/16 "NLB NIC" 10.10.0.1')

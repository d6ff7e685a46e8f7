"""Issue 9, items 4, 8 and 9: the one-default-gateway rule and its 2008 half, source address
selection with skipassource, binding order and equal routes — in the model, the docs and
notebook 02."""

import json
import re
from ipaddress import IPv4Address

import pytest

import labkit
from conftest import ROOT
from labkit.checks import grade_commands, grade_source_address
from labkit.model import Gateway, apply_command, profile, select_route, trace, validate_network
from labkit.plot import route_choice_rows

NOTEBOOK = ROOT / "notebooks" / "02-gateway-selection.ipynb"
RULES = ROOT / "docs" / "model-rules.md"
SKIP_CLUSTER_IP = (
    'netsh interface ipv4 delete address "NLB NIC" 10.10.0.200 && '
    'netsh interface ipv4 add address "NLB NIC" 10.10.0.200 255.255.255.0 skipassource=true'
)


def cells(kind=None):
    return [c for c in json.loads(NOTEBOOK.read_text())["cells"] if kind is None or c["cell_type"] == kind]


def source(cell) -> str:
    return "".join(cell["source"])


def printed(cell) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


def notebook_text() -> str:
    """What a learner reads: the markdown and every printed output."""
    return "\n".join(source(c) if c["cell_type"] == "markdown" else printed(c) for c in cells())


# --- item 4: "only one default gateway" is true for new connections and for 2003 ------------------


def test_new_unbound_connections_use_the_one_default_gateway():
    net = labkit.load_scenario("gateway-choice")
    result = trace(net, "H", "198.51.100.80")
    assert result.hops[1].node == "RA"  # the lowest-metric gateway, 192.168.1.1
    assert result.disposition.value == "NO_ROUTE"


def test_reply_uses_gateway_of_nic_owning_source_on_2008():
    net = labkit.load_scenario("gateway-choice")
    assert net.node("H").os.name == "windows-2008r2"
    reply = trace(net, "S2", "192.168.2.10", reply=True).reply
    assert reply.hops[0].out_iface == "slow" and reply.hops[1].node == "RB"
    assert reply.succeeded


def test_reply_takes_the_one_default_gateway_on_2003():
    net = labkit.load_scenario("gateway-choice").with_os("H", profile("windows-2003"))
    reply = trace(net, "S2", "192.168.2.10", reply=True).reply
    assert reply.hops[0].out_iface == "fast" and reply.hops[1].node == "RA"
    assert not reply.succeeded


def test_socket_bound_to_a_source_uses_the_gateway_of_its_own_nic():
    net = labkit.load_scenario("gateway-choice")
    bound = trace(net, "H", "198.51.100.80", src="192.168.2.10", proto="icmp", reply=True)
    assert bound.hops[1].node == "RB" and bound.reply.succeeded


def _gateway_warning(net) -> str:
    [problem] = [p for p in validate_network(net) if p.severity == "warning" and p.path == "nodes.H.interfaces"]
    return problem.message


def test_multiple_gateway_warning_names_the_2008_exception_and_stays_plain_on_2003():
    net = labkit.load_scenario("gateway-choice")
    text = _gateway_warning(net)
    assert "connections the server opens itself use one of them" in text
    assert "a reply or a socket bound to an address leaves by the gateway of the NIC that owns" in text
    text_2003 = _gateway_warning(net.with_os("H", profile("windows-2003")))
    assert "only one of them is used at a time, whatever the source address" in text_2003


ONE_GATEWAY = re.compile(
    r"only\s+(\*\*)?one(\*\*)?\s+(default\s+)?gateway|one of them (is used )?at a time|"
    r"\buses?\s+one\s+(default\s+)?gateway|one default gateway is used",
    re.I,
)
QUALIFIED = re.compile(
    r"opens|new connection|unbound|not chosen|no source|2003|whatever the source|"
    r"repl(y|ies)|bound",
    re.I,
)


def unqualified_one_gateway_claims(text: str) -> list[str]:
    sentences = re.split(r"(?<=[.!?:])\s+|\n", re.sub(r"\s*\n\s*(?=[a-z(])", " ", text))
    return [s for s in sentences if ONE_GATEWAY.search(s) and not QUALIFIED.search(s)]


def test_the_unqualified_claim_detector_catches_the_old_wording():
    old = (
        "Windows warns when you type a second default gateway on another network (KB 157025, KB 159168): "
        "only **one** default gateway is used at a time. Here it is the fast NIC's."
    )
    assert unqualified_one_gateway_claims(old)
    assert unqualified_one_gateway_claims("disjoint networks; only one of them is used at a time")


def test_notebook_02_never_says_only_one_default_gateway_unqualified():
    assert unqualified_one_gateway_claims(notebook_text()) == []
    assert "Replies and bound sockets keep their own NIC's gateway" in notebook_text()


def test_gateway_choice_description_and_model_rules_qualify_the_one_gateway_rule():
    description = labkit.load_scenario("gateway-choice").description
    assert unqualified_one_gateway_claims(description) == []
    assert "reply" in description and "2003" in description
    rules = RULES.read_text()
    assert unqualified_one_gateway_claims(rules) == []
    assert "**One default gateway, for new connections.**" in rules


# --- item 8: source address selection and skipassource ------------------------------------------


def test_nlb_cluster_ip_is_chosen_as_source_by_kb969029_rule_3():
    net = labkit.load_scenario("nlb-source-address")
    for member in ("web1", "web2"):
        result = trace(net, member, "10.30.0.10", reply=True)
        assert result.src == IPv4Address("10.10.0.200")
        assert "KB 969029 rule 3" in result.hops[0].decision
    failed = trace(net, "web1", "10.30.0.10", reply=True).reply
    assert failed.last_hop.node == "web2" and failed.expected_at == "web1" and not failed.succeeded


def test_windows_2003_sources_from_the_first_address_of_the_nic():
    net = labkit.load_scenario("nlb-source-address").with_os("web1", profile("windows-2003"))
    result = trace(net, "web1", "10.30.0.10", reply=True)
    assert result.src == IPv4Address("10.10.0.11") and result.reply.succeeded


def test_skipassource_on_every_member_fixes_their_own_connections_and_keeps_the_cluster_ip():
    net = labkit.load_scenario("nlb-source-address")
    for member in ("web1", "web2"):
        net, answer = apply_command(net, member, SKIP_CLUSTER_IP)
        assert answer == "Ok.\nOk."
    for member, dedicated in (("web1", "10.10.0.11"), ("web2", "10.10.0.12")):
        result = trace(net, member, "10.30.0.10", reply=True)
        assert result.src == IPv4Address(dedicated) and result.reply.succeeded
    client = trace(net, "pc1", "10.10.0.200", reply=True)
    assert client.accepted and client.reply.succeeded


@pytest.mark.parametrize(
    "os_name,needs",
    [
        ("windows-2008", "2008 SP2 with the KB 975808 hotfix"),
        ("windows-2008r2", "2008 R2 SP1, or RTM with the KB 2386184 hotfix"),
        ("windows-2016", "built in; PowerShell: Set-NetIPAddress -SkipAsSource $true"),
    ],
)
def test_skipassource_hint_names_what_each_windows_version_needs(os_name, needs):
    net = labkit.load_scenario("nlb-source-address").with_os("web1", profile(os_name))
    hint = trace(net, "web1", "10.30.0.10", reply=True).reply.hint
    assert needs in hint and "skipassource=true" in hint
    if os_name != "windows-2008":
        assert "KB 975808" not in hint  # that hotfix covers 2008 SP2 / Vista SP2 only


def test_source_address_exercise_passes_with_its_solution_and_explains_wrong_answers():
    net = labkit.load_scenario("nlb-source-address")

    def grade(answer, on=net):
        return grade_source_address(on, "web1", "10.30.0.10", answer, name="exercise 5")

    assert grade("10.10.0.200").passed
    dedicated = grade("10.10.0.11")
    assert not dedicated.passed
    assert "10.10.0.11 shares 24 leading bits with the next hop 10.10.0.254, 10.10.0.200 shares 26" in str(dedicated)
    assert "the order of the addresses is not one of the KB 969029 rules" in str(dedicated)
    assert "is not an address of web1" in str(grade("10.10.0.12"))
    assert "is not an IPv4 address" in str(grade("the cluster IP"))
    assert "no answer yet" in str(grade(None))
    skipped, _ = apply_command(net, "web1", SKIP_CLUSTER_IP)
    assert grade("10.10.0.11", skipped).passed
    assert "marked skipassource" in str(grade("10.10.0.200", skipped))
    on_2003 = net.with_os("web1", profile("windows-2003"))
    assert "takes the first address of the NIC" in str(grade("10.10.0.200", on_2003))


def test_skipassource_command_exercise_passes_with_its_solution_and_fails_with_wrong_answers():
    net = labkit.load_scenario("nlb-source-address")

    def grade(answer):
        return grade_commands(
            net,
            "web1",
            answer,
            name="exercise 6",
            flows=[("web1", "10.30.0.10"), ("pc1", "10.10.0.200")],
            hint="h",
            right="r",
        )

    assert grade(SKIP_CLUSTER_IP).passed
    without_flag = grade(SKIP_CLUSTER_IP.replace(" skipassource=true", ""))
    assert not without_flag.passed and "no answer for web1 -> 10.30.0.10" in str(without_flag)
    assert "The object already exists" in str(grade(SKIP_CLUSTER_IP.split(" && ")[1]))
    assert "does not have the cluster IP" in str(grade(SKIP_CLUSTER_IP.split(" && ")[0]))
    assert not grade('netsh interface ipv4 set interface "NLB NIC" weakhostsend=enabled').passed


def test_notebook_02_teaches_source_selection_with_checked_exercises():
    text = notebook_text()
    for needed in (
        "KB 969029",
        "longest matching prefix with the **next hop**",
        "skipassource=true",
        "Set-NetIPAddress -IPAddress 10.10.0.200 -SkipAsSource $true",
        "web1 -> database: source 10.10.0.200",
    ):
        assert needed in text, needed
    all_cells = cells()
    checks = {
        source(all_cells[n + 1]).split('labkit.course.check("')[1].split('"')[0]: printed(all_cells[n + 1])
        for n, c in enumerate(all_cells)
        if "solution" in c.get("metadata", {}).get("tags", [])
    }
    assert set(checks) == {f"02.{n}" for n in range(1, 7)}
    assert all(out.startswith("[PASS]") for out in checks.values()), checks


def test_notebook_02_states_the_skipassource_hotfixes_as_the_sources_do():
    text = notebook_text()
    assert re.search(r"2008 SP2 \| install hotfix KB 975808", text)
    assert "KB 975808 (it covers 2008 SP2 and Vista SP2)" in text
    assert re.search(r"2008 R2 \|[^|]*SP1, or hotfix KB 2386184", text)
    assert "Not checked by any source we found" in text
    assert "KB 975808" in RULES.read_text() and "KB 2386184" in RULES.read_text()


# Each section runs on its own after a restart: tests/test_robustness.py checks every notebook.


# --- item 9: binding order, 2003's IPv6, equal routes -------------------------------------------


def test_route_choice_why_for_equal_metrics():
    net = labkit.load_scenario("gateway-choice")
    backup = net.with_interface(
        "H", "fast", gateways=(Gateway(IPv4Address("192.168.1.1")), Gateway(IPv4Address("192.168.1.2")))
    )
    node = backup.node("H")
    choice = select_route(node, IPv4Address("198.51.100.80"))
    why = choice.why(node)
    assert "beats 266" not in why
    assert "192.168.1.2" in why and "stands by for dead gateway detection, not a tie" in why
    assert "lowest metric 266 beats 276" in why
    verdicts = [row["verdict"] for row in route_choice_rows(node, choice)]
    assert verdicts[1].startswith("standby") and "266 > 266" not in " ".join(verdicts)
    alone = backup.with_interface("H", "slow", gateways=())
    assert "beats" not in select_route(alone.node("H"), IPv4Address("198.51.100.80")).why(alone.node("H"))
    tied = net.with_interface("H", "slow", metric=10)
    why_tied = select_route(tied.node("H"), IPv4Address("198.51.100.80")).why(tied.node("H"))
    assert "TIE with" in why_tied and "Windows leaves the pick undefined" in why_tied and "beats" not in why_tied


def test_binding_order_is_hedged_and_the_notes_advice_given():
    rules = RULES.read_text()
    assert "only DNS order" not in rules
    row = next(line for line in rules.splitlines() if "Adapters and Bindings order (hedged)" in line)
    assert "No source checked lists every 2008 / 2008 R2 consumer" in row
    assert "put the PRIVATE NIC (DNS, AD, RDP" in row
    text = notebook_text()
    assert "put the PRIVATE NIC (the one for DNS, AD, RDP, …) first" in text
    assert "hold that loosely" in text and "Advanced → Advanced Settings → Adapters and Bindings" in text


def test_2003_strong_host_for_ipv6_only_is_stated():
    assert "For IPv6, 2003 was already strong host" in RULES.read_text()
    assert "For IPv6, 2003 was already strong host" in notebook_text()

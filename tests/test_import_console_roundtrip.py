"""Issue 12 item 5, after the simulated console is merged: what the console prints for a node
(`ipconfig /all`, `route print`, `netsh … l=verbose`, `Get-NetIPInterface | Format-List *`) imports
back to the same node."""

import pytest
from test_import_roundtrip import WINDOWS_NODES, shape

import labkit
from labkit.importer import import_texts
from labkit.model import console


def printed(net, name, line, shell="cmd"):
    return console.run_console(net, name, line, shell).output.encode()


@pytest.mark.parametrize("scenario,name", WINDOWS_NODES)
def test_the_consoles_outputs_import_back_to_the_same_node(scenario, name):
    net = labkit.load_scenario(scenario)
    node = net.node(name)
    base = [("ipconfig.txt", printed(net, name, "ipconfig /all")), ("route.txt", printed(net, name, "route print"))]
    switches = []
    if node.os.forwarding_per_interface:
        switches.append(("netsh.txt", printed(net, name, "netsh interface ipv4 show interface l=verbose")))
    if node.os.name not in ("windows-2003", "windows-2008", "windows-2008r2"):  # the cmdlets arrived with 2012
        switches.append(
            ("ps.txt", printed(net, name, "Get-NetIPInterface -AddressFamily IPv4 | Format-List *", "powershell"))
        )
    for extra in switches or [None]:
        result = import_texts(base + ([extra] if extra else []))
        assert shape(result.network.node(name)) == shape(node), extra and extra[0]

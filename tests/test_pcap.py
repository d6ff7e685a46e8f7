"""Issue 15 item 1: the model's sessions as Wireshark-ready pcaps, read back with scapy."""

import itertools
import shutil
import subprocess
from dataclasses import replace

import pytest

import labkit
from labkit.capture import capture_points
from labkit.cli import main

scapy_utils = pytest.importorskip("scapy.utils", reason="pip install 'labkit[capture]' (scapy) for pcap export")
from scapy.layers.inet import IP, TCP  # noqa: E402

from labkit.capture.pcap import to_scapy  # noqa: E402

SEED_PRIVATE = b"227 Entering Passive Mode (192,168,1,32,203,8).\r\n"
SEED_PUBLIC = b"227 Entering Passive Mode (193,211,10,27,203,8).\r\n"


def _read(path):
    return list(scapy_utils.rdpcap(str(path)))


def _payloads(packets):
    return [bytes(p[TCP].payload) for p in packets if TCP in p and bytes(p[TCP].payload)]


def _assert_sequence_numbers_consistent(packets, where):
    """Per direction of each connection: every segment starts where the previous one ended,
    and every ACK acknowledges exactly the bytes the other side has sent on this wire."""
    next_seq = {}
    for n, p in enumerate(packets, 1):
        if TCP not in p:
            continue
        t = p[TCP]
        key = (p[IP].src, t.sport, p[IP].dst, t.dport)
        back = (p[IP].dst, t.dport, p[IP].src, t.sport)
        flags = str(t.flags)
        if "S" in flags and "A" not in flags:
            next_seq.pop(back, None)
        if key in next_seq:
            assert t.seq == next_seq[key], f"{where} packet {n}: seq {t.seq}, expected {next_seq[key]}"
        if "A" in flags and back in next_seq:
            assert t.ack == next_seq[back], f"{where} packet {n}: ack {t.ack}, expected {next_seq[back]}"
        next_seq[key] = t.seq + len(bytes(t.payload)) + (1 if "S" in flags or "F" in flags else 0)


def test_seed_227_on_both_sides_of_the_firewall(tmp_path):
    result = labkit.ftp_session(labkit.load_scenario("ftp-nat-seed"))
    files = {p.name: p for p in result.write_pcap(tmp_path)}
    assert list(files) == [
        "01-client-wan.pcap",
        "02-isp-customers.pcap",
        "03-isp-edge.pcap",
        "04-fw-wan.pcap",
        "05-fw-lan.pcap",
        "06-ftpsrv-lan.pcap",
    ]
    outside, inside = _read(files["04-fw-wan.pcap"]), _read(files["05-fw-lan.pcap"])
    assert SEED_PUBLIC in _payloads(outside) and SEED_PRIVATE not in _payloads(outside)
    assert SEED_PRIVATE in _payloads(inside) and SEED_PUBLIC not in _payloads(inside)
    # the inside sees the server's own address, the outside the firewall's public one
    assert {p[IP].dst for p in inside if TCP in p and p[TCP].dport == 21} == {"192.168.1.32"}
    assert {p[IP].dst for p in outside if TCP in p and p[TCP].dport == 21} == {"193.211.10.27"}


def test_every_capture_point_has_consistent_sequence_numbers(tmp_path):
    cases = [
        ("ftp-nat-seed", None),
        ("ftp-nat-ftps", None),
        ("ftp-active-client-nat", None),
        ("ftp-load-balancer", None),
        ("ftp-nat-seed", {"mode": "epsv"}),
        ("ftp-nat-seed", {"mode": "active", "tls": "explicit"}),
    ]
    for number, (name, changes) in enumerate(cases):
        net = labkit.load_scenario(name)
        result = labkit.ftp_session(net, settings=replace(net.ftp.settings, **(changes or {})))
        for path in result.write_pcap(tmp_path / str(number)):
            packets = _read(path)
            assert packets, path
            _assert_sequence_numbers_consistent(packets, f"{name} {changes} {path.name}")


def test_sequence_numbers_add_up_in_every_mode_and_tls_variant():
    """Every shipped FTP scenario in every mode, clear and under both kinds of TLS, with CCC
    accepted and refused (packets as built for the file, TLS records included)."""
    checked = 0
    for name in [n for n in labkit.shipped_scenarios() if labkit.load_scenario(n).ftp is not None]:
        net = labkit.load_scenario(name)
        server = net.node(net.ftp.server)
        for mode, tls in itertools.product(("passive", "active", "epsv", "eprt"), ("none", "explicit", "implicit")):
            ss = replace(server.ftp_server, ccc=mode == "epsv", tls="implicit" if tls == "implicit" else "explicit")
            changed = net.with_node(replace(server, ftp_server=ss))
            settings = replace(net.ftp.settings, mode=mode, tls=tls, ccc=tls != "none")
            result = labkit.ftp_session(changed, settings=settings, check_fixes=False)
            for point, packets in capture_points(result).items():
                _assert_sequence_numbers_consistent([to_scapy(p) for p in packets], f"{name} {mode} {tls} {point}")
                checked += 1
    assert checked > 150


def test_the_helper_rewrite_shifts_later_sequence_numbers_by_one_byte():
    """(192,168,1,32 -> 193,211,10,27 is one character longer: the firewall's outside
    sees every later server byte one further on, as Linux's seqadj does."""
    result = labkit.ftp_session(labkit.load_scenario("ftp-nat-seed"))
    points = {p.name: packets for p, packets in capture_points(result).items()}

    def last_server_seq(name):
        return max(w.seq for w in points[name] if w.sport == 21 and w.dport == 49152)

    assert last_server_seq("fw-wan") == last_server_seq("fw-lan") + 1


def test_tls_hides_the_227_and_the_data_syn_shows_what_happened(tmp_path):
    net = labkit.load_scenario("ftp-nat-ftps")
    result = labkit.ftp_session(net)
    assert result.outcome == "failure"
    files = {p.name: p for p in result.write_pcap(tmp_path)}
    client = _read(files["01-client-wan.pcap"])
    assert not any(b"227" in data for data in _payloads(client))
    records = [data for data in _payloads(client) if data[:1] in (b"\x16", b"\x17", b"\x14")]
    assert len(records) > 8  # handshake and every command after AUTH TLS are TLS records
    data_syns = [p for p in client if TCP in p and p[TCP].dport == 51976]
    assert [str(p[TCP].flags) for p in data_syns] == ["S"] and data_syns[0][IP].dst == "192.168.1.32"
    # the SYN to the private address never reaches the firewall
    assert not any(TCP in p and p[TCP].dport == 51976 for p in _read(files["04-fw-wan.pcap"]))


def test_a_connection_to_a_port_nobody_listens_on_is_reset(tmp_path):
    net = labkit.load_scenario("ftp-load-balancer")
    for port in range(49153, 49200):
        result = labkit.ftp_session(net, settings=replace(net.ftp.settings, data_port=port, tls="none"))
        if result.outcome == "failure" and "picked another backend" in result.reason:
            break
    else:
        pytest.fail("no client port makes the load balancer pick the other backend")
    packets = _read(result.write_pcap(tmp_path)[0])
    data = [
        str(p[TCP].flags) for p in packets if TCP in p and p[TCP].sport == port or TCP in p and p[TCP].dport == port
    ]
    assert data == ["S", "RA"]


def test_trace_writes_one_file_per_crossed_interface(tmp_path):
    net = labkit.load_scenario("ftp-nat-seed")
    result = labkit.trace(net, "client", "193.211.10.27", dport=21, reply=True)
    files = result.write_pcap(tmp_path)
    assert [p.name for p in files][-1] == "06-ftpsrv-lan.pcap"
    assert [str(p[TCP].flags) for p in _read(files[-1])] == ["S", "SA"]


def test_the_same_session_gives_byte_identical_files(tmp_path):
    result = labkit.ftp_session(labkit.load_scenario("ftp-nat-ftps"))
    first = [p.read_bytes() for p in result.write_pcap(tmp_path / "a")]
    second = [p.read_bytes() for p in result.write_pcap(tmp_path / "b")]
    assert first == second


def test_cli_pcap_options(tmp_path, capsys):
    assert main(["ftp", "ftp-nat-seed", "--pcap", str(tmp_path / "ftp")]) == 0
    out = capsys.readouterr().out
    assert "pcap: wrote 6 files" in out and (tmp_path / "ftp" / "04-fw-wan.pcap").exists()
    assert (
        main(
            [
                "trace",
                "ftp-nat-seed",
                "--from",
                "client",
                "--to",
                "193.211.10.27",
                "--dport",
                "21",
                "--reply",
                "--pcap",
                str(tmp_path / "trace"),
            ]
        )
        == 0
    )
    assert (tmp_path / "trace" / "01-client-wan.pcap").exists()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["ftp", "ftp-nat-seed", "--pcap", str(blocker / "sub")]) == 2
    assert "cannot create the capture folder" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("tshark") is None, reason="tshark not installed (apt-get install tshark)")
def test_wireshark_reads_the_227_on_both_sides_and_flags_nothing(tmp_path):
    result = labkit.ftp_session(labkit.load_scenario("ftp-nat-seed"))
    files = {p.name: p for p in result.write_pcap(tmp_path / "seed")}
    seen = {}
    for name in ("04-fw-wan.pcap", "05-fw-lan.pcap"):
        seen[name] = _tshark(
            files[name],
            "-Y",
            "ftp.response.code == 227",
            "-T",
            "fields",
            "-e",
            "ftp.passive.ip",
            "-e",
            "ftp.passive.port",
        ).split()
    assert seen == {"04-fw-wan.pcap": ["193.211.10.27", "51976"], "05-fw-lan.pcap": ["192.168.1.32", "51976"]}
    tls = labkit.ftp_session(labkit.load_scenario("ftp-nat-ftps"))
    for path in [*files.values(), *tls.write_pcap(tmp_path / "tls")]:
        # bad checksums, sequence or ACK anomalies, malformed TLS records: none
        assert (
            _tshark(
                path,
                "-o",
                "ip.check_checksum:TRUE",
                "-o",
                "tcp.check_checksum:TRUE",
                "-Y",
                "tcp.analysis.flags || _ws.expert.severity >= warning || _ws.malformed",
            )
            == ""
        ), path
    assert "Client Hello" in _tshark(tmp_path / "tls" / "01-client-wan.pcap")


def _tshark(path, *args) -> str:
    return subprocess.run(["tshark", "-r", str(path), *args], capture_output=True, text=True, check=True).stdout.strip()

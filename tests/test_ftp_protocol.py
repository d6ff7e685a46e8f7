"""Reading and writing FTP's embedded addresses (F1-F3), and properties of helpers and TLS."""

from dataclasses import replace
from ipaddress import IPv4Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit.model.ftp import ftp_session
from labkit.model.ftp_protocol import (
    FtpSyntaxError,
    eprt_argument,
    parse_227,
    parse_229,
    parse_eprt_argument,
    parse_port_argument,
    reply_text,
    six_numbers,
)
from labkit.scenario import load_scenario

A = IPv4Address


def test_F1_227_and_port_arithmetic():
    assert parse_227("227 Entering Passive Mode (193,211,10,27,203,8)") == (A("193.211.10.27"), 51976)
    assert parse_227("227 Entering Passive Mode (127,0,0,1,204,113)")[1] == 52337
    assert parse_port_argument("10,0,0,5,4,1")[1] == 1025
    assert parse_port_argument("9,180,128,180,4,8") == (A("9.180.128.180"), 1032)
    assert six_numbers(A("193.211.10.27"), 51976) == "193,211,10,27,203,8"


def test_F2_229_any_delimiter():
    assert parse_229("229 Entering Extended Passive Mode (|||6446|)") == 6446
    assert parse_229("229 Entering Extended Passive Mode (!!!2121!)") == 2121


def test_F3_pyftpdlib_wording_lower_case_and_trailing_dot():
    text = reply_text("pyftpdlib", "pasv", six="127,0,0,1,204,113")
    assert text == "227 Entering passive mode (127,0,0,1,204,113)."
    assert parse_227(text) == (A("127.0.0.1"), 52337)
    assert parse_227("227 =127,0,0,1,204,113") == (A("127.0.0.1"), 52337)  # RFC 1123: no parentheses


@pytest.mark.parametrize(
    "bad",
    [
        "227 Entering Passive Mode (300,1,1,1,1,1)",
        "227 nothing here",
        "229 Entering Extended Passive Mode (|||70000|)",
        "229 (||6446|)",
    ],
)
def test_unreadable_replies_are_errors(bad):
    parse = parse_227 if bad.startswith("227") else parse_229
    with pytest.raises(FtpSyntaxError):
        parse(bad)


def test_eprt():
    assert parse_eprt_argument("|1|132.235.1.2|6275|") == (A("132.235.1.2"), 6275)
    assert parse_eprt_argument("!1!132.235.1.2!6275!") == (A("132.235.1.2"), 6275)
    with pytest.raises(FtpSyntaxError, match="only address family 1"):
        parse_eprt_argument("|2|1080::8:800:200C:417A|5282|")


@given(st.integers(0, 2**32 - 1), st.integers(0, 65535))
def test_six_numbers_round_trip(address, port):
    ip = A(address)
    assert parse_port_argument(six_numbers(ip, port)) == (ip, port)
    assert parse_227(f"227 Entering Passive Mode ({six_numbers(ip, port)}).") == (ip, port)
    p1, p2 = map(int, six_numbers(ip, port).split(",")[4:])
    assert p1 * 256 + p2 == port


@given(st.integers(0, 2**32 - 1), st.integers(1, 65535))
def test_eprt_round_trip(address, port):
    assert parse_eprt_argument(eprt_argument(A(address), port)) == (A(address), port)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["ftp-nat-seed", "ftp-active-client-nat"]),
    st.sampled_from(["passive", "active", "epsv", "eprt"]),
    st.booleans(),
)
def test_a_helper_never_rewrites_inside_tls(name, mode, trust):
    net = load_scenario(name)
    result = ftp_session(
        net, settings=replace(net.ftp.settings, mode=mode, tls="explicit", trust_pasv_address=trust), check_fixes=False
    )
    after_auth = False
    for step in result.steps:
        after_auth = after_auth or step.sent == "AUTH TLS"
        if after_auth and step.sent != "AUTH TLS":
            assert not step.rewrites, step


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["passive", "active", "epsv", "eprt"]), st.booleans())
def test_after_ccc_the_helper_reads_and_rewrites_again(mode, trust):
    net = load_scenario("ftp-nat-ftps")
    node = net.node("ftpsrv")
    net = net.with_node(replace(node, ftp_server=replace(node.ftp_server, ccc=True)))
    result = ftp_session(
        net, settings=replace(net.ftp.settings, mode=mode, ccc=True, trust_pasv_address=trust), check_fixes=False
    )
    sent = [s.sent for s in result.steps]
    auth, ccc = sent.index("AUTH TLS"), sent.index("CCC")
    assert not any(s.rewrites for s in result.steps[auth + 1 : ccc + 2])
    if mode == "passive":  # the 227 comes after CCC: rewritten again
        assert any(s.rewrites for s in result.steps[ccc + 2 :])

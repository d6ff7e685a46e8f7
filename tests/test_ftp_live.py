"""The model against a real FTP server (pyftpdlib) and client (ftplib) on 127.0.0.1 only."""

import ftplib
import os
import socket
import threading
from dataclasses import replace
from ipaddress import IPv4Address

import pytest

from conftest import DATA
from labkit.live import local_ftp_server, run_client
from labkit.live import transcript_codes as codes
from labkit.live.ftp import PASSWORD, USER
from labkit.model.ftp import ftp_session
from labkit.model.ftp_protocol import FtpClientSettings, parse_227
from labkit.scenario import load_scenario

DIRECT = DATA / "ftp-direct.yaml"


@pytest.mark.parametrize(
    "mode,tls", [("active", "none"), ("passive", "none"), ("epsv", "none"), ("passive", "explicit")]
)
def test_model_and_live_session_agree(mode, tls):
    model = ftp_session(load_scenario(DIRECT), settings=FtpClientSettings(mode=mode, tls=tls, prot="P"))
    assert model.succeeded, str(model)
    with local_ftp_server() as server:
        live = run_client(server, mode=mode, tls=tls, prot="P")
    assert codes(live) == model.commands_and_codes()
    assert "readme.txt" in dict(live)["(data)"]


def test_eprt_and_active_tls_agree_too():
    for mode, tls in (("eprt", "none"), ("active", "explicit")):
        model = ftp_session(load_scenario(DIRECT), settings=FtpClientSettings(mode=mode, tls=tls))
        with local_ftp_server() as server:
            assert codes(run_client(server, mode=mode, tls=tls)) == model.commands_and_codes()


def _fds():
    return sorted(os.listdir("/proc/self/fd"))


def test_the_server_leaves_no_thread_or_socket_behind():
    threads, fds = threading.active_count(), _fds()
    with local_ftp_server() as server:
        run_client(server, mode="passive", tls="explicit")
        assert threading.active_count() == threads + 1
    assert threading.active_count() == threads
    assert _fds() == fds


def _control(server, tls=False):
    ftp = ftplib.FTP_TLS(timeout=5) if tls else ftplib.FTP(timeout=5)
    ftp.connect(server.host, server.port)
    return ftp


def test_F3_pyftpdlib_227_is_lower_case_with_a_trailing_dot():
    with local_ftp_server() as server:
        ftp = _control(server)
        ftp.login(USER, PASSWORD)
        reply = ftp.sendcmd("PASV")
        ftp.close()
    assert reply.startswith("227 Entering passive mode (127,0,0,1,") and reply.endswith(").")
    assert parse_227(reply)[0] == IPv4Address("127.0.0.1")


@pytest.mark.parametrize(
    "command,expected",
    [
        ("PORT 10,0,0,99,0,25", "501 Rejected data connection to foreign address 10.0.0.99:25."),  # F12
        ("PORT 127,0,0,1,0,80", '501 PORT against the privileged port "80" refused.'),  # F13
        ("EPRT |1|10.0.0.1|6275|", "501 Rejected data connection to foreign address 10.0.0.1:6275."),  # F14
    ],
)
def test_F12_F13_F14_bounce_protection(command, expected):
    # pyftpdlib refuses before it connects, so nothing is ever sent to these addresses.
    with local_ftp_server(tls=False) as server:
        ftp = _control(server)
        ftp.login(USER, PASSWORD)
        with pytest.raises(ftplib.error_perm) as err:
            ftp.sendcmd(command)
        ftp.close()
    assert str(err.value) == expected


def test_F15_tls_required_on_the_control_channel():
    with local_ftp_server(tls_control_required=True) as server:
        ftp = _control(server)
        with pytest.raises(ftplib.error_perm) as err:
            ftp.sendcmd(f"USER {USER}")
        ftp.close()
    assert str(err.value) == "550 SSL/TLS required on the control channel."
    net = load_scenario(DIRECT)
    node = net.node("server")
    strict = net.with_node(replace(node, ftp_server=replace(node.ftp_server, tls_required_control=True)))
    assert ftp_session(strict, settings=FtpClientSettings()).steps[-1].received == str(err.value)


def test_F16_tls_required_on_the_data_channel():
    with local_ftp_server(tls_data_required=True) as server:
        ftp = ftplib.FTP_TLS(context=__import__("ssl").create_default_context(cafile=server.ca_file), timeout=5)
        ftp.connect(server.host, server.port)
        ftp.login(USER, PASSWORD)
        with pytest.raises(ftplib.error_perm) as err:
            ftp.sendcmd("PASV")
        ftp.close()
        works = run_client(server, mode="passive", tls="explicit", prot="P")
    assert str(err.value) == "550 SSL/TLS required on the data channel."
    assert codes(works)[-2:] == [("LIST", "226"), ("QUIT", "221")]


def test_F17_no_masquerade_227_names_loopback():
    with local_ftp_server(tls=False) as server:
        transcript = run_client(server, mode="passive")
    assert dict(transcript)["PASV"].startswith("227 Entering passive mode (127,0,0,1,")
    assert "readme.txt" in dict(transcript)["(data)"]


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.mark.parametrize("tls", ["none", "explicit"])  # F20: the same under TLS
def test_F18_F19_F20_masquerade_address_heuristic_and_trusting_clients(tls):
    # 127.0.0.2 stands in for the reference's 192.0.2.1: a wrong advertised address that
    # stays on loopback (tests never dial anything else).
    port = next(p for p in range(51976, 52076) if _free(p))
    with local_ftp_server(masquerade_address="127.0.0.2", passive_ports=range(port, port + 1)) as server:
        heuristic = run_client(server, mode="passive", tls=tls)
        with pytest.raises(ConnectionRefusedError):
            run_client(server, mode="passive", tls=tls, trust_pasv_address=True)
    p1, p2 = divmod(port, 256)
    assert dict(heuristic)["PASV"].startswith(f"227 Entering passive mode (127,0,0,2,{p1},{p2})")
    assert "readme.txt" in dict(heuristic)["(data)"]
    # the model, with the reference's wrong address
    net = load_scenario(DIRECT)
    node = net.node("server")
    net = net.with_node(replace(node, ftp_server=replace(node.ftp_server, external_address=IPv4Address("192.0.2.1"))))
    assert ftp_session(net, settings=FtpClientSettings(tls=tls)).succeeded
    trusting = ftp_session(net, settings=FtpClientSettings(tls=tls, trust_pasv_address=True))
    assert not trusting.succeeded and "dialled 192.0.2.1" in trusting.reason

"""CCC against the real thing: pyftpdlib (which has no CCC command) and Python's ftplib on 127.0.0.1.

pyftpdlib refuses CCC on its own (`500 Command "CCC" not understood.`), so no handler
subclass is needed to make it refuse.
"""

import ftplib
import ssl
from dataclasses import replace

import pytest

from conftest import DATA
from labkit.live import local_ftp_server, run_client
from labkit.live import transcript_codes as codes
from labkit.live.ftp import PASSWORD, USER
from labkit.model.ftp import ftp_session
from labkit.model.ftp_protocol import FtpClientSettings
from labkit.scenario import load_scenario

DIRECT = DATA / "ftp-direct.yaml"
CCC = FtpClientSettings(tls="explicit", ccc=True)


def test_ccc_refused_ftplib_stops_live():
    with local_ftp_server() as server:
        ftp = ftplib.FTP_TLS(context=ssl.create_default_context(cafile=server.ca_file), timeout=5)
        try:
            ftp.connect(server.host, server.port)
            ftp.login(USER, PASSWORD)
            ftp.prot_p()
            with pytest.raises(ftplib.error_perm, match='^500 Command "CCC" not understood'):
                ftp.ccc()
        finally:
            ftp.close()


def test_ccc_refused_model_and_live_stop_at_the_same_reply():
    model = ftp_session(load_scenario(DIRECT), settings=CCC)
    assert not model.succeeded and model.steps[model.failed_step - 1].received.startswith("500")
    with local_ftp_server() as server:
        live = run_client(server, tls="explicit", ccc=True)
    assert live[-1][0] == "CCC" and live[-1][1].startswith("500")
    assert codes(live) == model.commands_and_codes()


def test_ccc_refused_continue_model_and_live_agree():
    settings = replace(CCC, on_ccc_refused="continue")
    model = ftp_session(load_scenario(DIRECT), settings=settings)
    assert model.succeeded, str(model)
    with local_ftp_server() as server:
        live = run_client(server, tls="explicit", ccc=True, on_ccc_refused="continue")
    assert codes(live) == model.commands_and_codes()
    assert "readme.txt" in dict(live)["(data)"]

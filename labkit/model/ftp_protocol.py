"""FTP's embedded addresses: reading and writing PORT, EPRT, 227 and 229 (RFC 959, RFC 2428).

Parsers are lenient the way RFC 1123 asks (a 227 reply is scanned for its first digit,
so pyftpdlib's lower-case "passive mode" and trailing dot are fine); writers produce the
canonical forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address

from ..errors import LabkitError
from . import fields
from .ports import PortRange, port_range
from .vocabulary import Vocabulary, settle

_SIX_NUMBERS = re.compile(r"(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})", re.ASCII)


class FtpSyntaxError(LabkitError, ValueError):
    """A PORT/EPRT argument or a 227/229 reply that cannot be read."""


def _from_six(numbers: Iterable[str | int]) -> tuple[IPv4Address, int]:
    values = [int(n) for n in numbers]
    if any(v > 255 for v in values):
        raise FtpSyntaxError(f"each of the six numbers must be 0-255, got {','.join(map(str, values))}")
    h1, h2, h3, h4, p1, p2 = values
    return IPv4Address(f"{h1}.{h2}.{h3}.{h4}"), p1 * 256 + p2


def six_numbers(address: IPv4Address, port: int) -> str:
    """'h1,h2,h3,h4,p1,p2' with port = p1*256 + p2."""
    if not 0 <= port <= 65535:
        raise FtpSyntaxError(f"port must be 0-65535, got {port}")
    return ",".join([*str(address).split("."), str(port // 256), str(port % 256)])


def parse_port_argument(argument: str) -> tuple[IPv4Address, int]:
    """The argument of `PORT h1,h2,h3,h4,p1,p2`."""
    match = _SIX_NUMBERS.fullmatch(argument.strip())
    if not match:
        raise FtpSyntaxError(f"expected PORT h1,h2,h3,h4,p1,p2, got {argument!r}")
    return _from_six(match.groups())


def parse_227(reply: str) -> tuple[IPv4Address, int]:
    """Address and port of a '227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)' reply."""
    if not reply.startswith("227"):
        raise FtpSyntaxError(f"expected a 227 reply, got {reply!r}")
    match = _SIX_NUMBERS.search(reply[3:])
    if not match:
        raise FtpSyntaxError(f"no h1,h2,h3,h4,p1,p2 in {reply!r}")
    return _from_six(match.groups())


def parse_eprt_argument(argument: str) -> tuple[IPv4Address, int]:
    """The argument of `EPRT |1|132.235.1.2|6275|` (any delimiter, IPv4 only here)."""
    text = argument.strip()
    if len(text) < 2 or not 33 <= ord(text[0]) <= 126 or text[0] != text[-1]:
        raise FtpSyntaxError(f"expected EPRT |1|address|port|, got {argument!r}")
    parts = text[1:-1].split(text[0])
    if len(parts) != 3 or not (parts[2].isascii() and parts[2].isdigit() and len(parts[2]) <= 5):
        raise FtpSyntaxError(f"expected EPRT |1|address|port|, got {argument!r}")
    if parts[0] != "1":
        raise FtpSyntaxError(f"only address family 1 (IPv4) is modelled, got {parts[0]!r}")
    try:
        address = IPv4Address(parts[1])
    except ValueError:
        raise FtpSyntaxError(f"bad IPv4 address in EPRT: {parts[1]!r}") from None
    port = int(parts[2])
    if not 0 < port <= 65535:
        raise FtpSyntaxError(f"port must be 1-65535, got {port}")
    return address, port


def eprt_argument(address: IPv4Address, port: int) -> str:
    return f"|1|{address}|{port}|"


def parse_229(reply: str) -> int:
    """Port of '229 Entering Extended Passive Mode (|||6446|)' (any delimiter)."""
    if not reply.startswith("229"):
        raise FtpSyntaxError(f"expected a 229 reply, got {reply!r}")
    start, end = reply.find("("), reply.rfind(")")
    if start < 0 or end < start:
        raise FtpSyntaxError(f"no (|||port|) in {reply!r}")
    inner = reply[start + 1 : end]
    digits = inner[3:-1]
    if (
        len(inner) < 5
        or len(set(inner[:3] + inner[-1])) != 1
        or not (digits.isascii() and digits.isdigit() and len(digits) <= 5)
    ):
        raise FtpSyntaxError(f"expected (|||port|) in {reply!r}")
    port = int(digits)
    if not 0 < port <= 65535:
        raise FtpSyntaxError(f"port must be 1-65535, got {port}")
    return port


def replace_six_numbers(text: str, address: IPv4Address, port: int) -> str:
    """The same line with its h1,…,p2 group replaced (how a NAT helper mangles PORT/227)."""
    return _SIX_NUMBERS.sub(six_numbers(address, port), text, count=1)


def replace_eprt(text: str, address: IPv4Address, port: int) -> str:
    """The same EPRT line with address and port replaced (the delimiter becomes '|')."""
    verb, _, _ = text.partition(" ")
    return f"{verb} {eprt_argument(address, port)}"


# --- settings --------------------------------------------------------------------------------


class FtpMode(Vocabulary):
    """How the data connection is set up: PASV, PORT, EPSV or EPRT."""

    PASSIVE = "passive"
    ACTIVE = "active"
    EPSV = "epsv"
    EPRT = "eprt"

    @property
    def passive(self) -> bool:
        """The client opens the data connection (PASV, EPSV)."""
        return self in (FtpMode.PASSIVE, FtpMode.EPSV)

    @property
    def verb(self) -> str:
        """The command that asks for the data connection."""
        return {FtpMode.PASSIVE: "PASV", FtpMode.ACTIVE: "PORT", FtpMode.EPSV: "EPSV", FtpMode.EPRT: "EPRT"}[self]


class TlsMode(Vocabulary):
    """TLS on the control channel: none, explicit (AUTH TLS on port 21), implicit (port 990)."""

    NONE = "none"
    EXPLICIT = "explicit"
    IMPLICIT = "implicit"


class Prot(Vocabulary):
    """PROT: the data channel's protection, Private (TLS) or Clear."""

    P = "P"
    C = "C"


class ServerSoftware(Vocabulary):
    PYFTPDLIB = "pyftpdlib"
    IIS = "iis"
    VSFTPD = "vsftpd"


class Certificate(Vocabulary):
    TRUSTED = "trusted"
    """From a CA the clients trust."""
    SELF_SIGNED = "self-signed"


class OnCccRefused(Vocabulary):
    """What the client does when the server refuses CCC."""

    STOP = "stop"
    CONTINUE = "continue"


IMPLICIT_PORT = 990
EXPLICIT_PORT = 21
WINDOWS_DYNAMIC_PORTS = PortRange(49152, 65535)
"""Windows Vista/2008 and later (KB 929851)."""
LINUX_EPHEMERAL_PORTS = PortRange(32768, 60999)
"""Linux's default net.ipv4.ip_local_port_range."""


SERVER_SWITCHES = (
    "tls_required_control",
    "tls_required_data",
    "match_client_address",
    "permit_foreign_addresses",
    "permit_privileged_ports",
    "ccc",
    "connect_from_port_20",
)


@dataclass(frozen=True)
class FtpServerSettings:
    """What the FTP server on a node is configured to do."""

    software: ServerSoftware = ServerSoftware.PYFTPDLIB
    port: int = 21
    passive_ports: PortRange | None = None
    """Data channel port range; None = any free port the OS picks (pyftpdlib's default)."""
    external_address: IPv4Address | None = None
    """Advertised in 227: IIS 'External IP Address of Firewall', pyftpdlib masquerade_address,
    vsftpd pasv_address."""
    tls: TlsMode = TlsMode.EXPLICIT
    """What the server offers: none, explicit (AUTH TLS on the control port), implicit (990)."""
    tls_required_control: bool = False
    tls_required_data: bool = False
    match_client_address: bool = True
    """IIS matchClientAddressForPasv/Port, vsftpd pasv_promiscuous=NO, pyftpdlib's default."""
    permit_foreign_addresses: bool = False
    permit_privileged_ports: bool = False
    ccc: bool = False
    """Accepts CCC (clear command channel). pyftpdlib does not; IIS does when its control
    channel policy is 'Require only for credentials' (SslRequireCredentialsOnly)."""
    certificate: Certificate = Certificate.TRUSTED
    connect_from_port_20: bool = False
    """vsftpd's setting (default NO upstream): active-mode data connections leave from port 20.
    IIS always uses port 20; pyftpdlib never does (an ephemeral port)."""

    def __post_init__(self) -> None:
        settle(self, software=ServerSoftware, tls=TlsMode, certificate=Certificate)
        object.__setattr__(self, "passive_ports", port_range(self.passive_ports))
        object.__setattr__(self, "port", fields.port(self.port, "port"))
        if self.external_address is not None:
            object.__setattr__(self, "external_address", fields.address(self.external_address, "external_address"))
        for name in SERVER_SWITCHES:
            object.__setattr__(self, name, fields.switch(getattr(self, name), name))

    def passive_pool(self, windows: bool) -> PortRange:
        """The ports the server may pick for a passive data connection."""
        if self.passive_ports:
            return self.passive_ports
        if self.software is ServerSoftware.IIS:
            return WINDOWS_DYNAMIC_PORTS  # IIS data channel range 0-0
        if self.software is ServerSoftware.VSFTPD:
            return PortRange(1024, 65535)  # pasv_min_port/pasv_max_port unset
        return WINDOWS_DYNAMIC_PORTS if windows else LINUX_EPHEMERAL_PORTS

    @property
    def picks_passive_port(self) -> str:
        """How the server picks a port from its passive range."""
        return {
            ServerSoftware.PYFTPDLIB: "pyftpdlib: at random",
            ServerSoftware.VSFTPD: "vsftpd: at random",
            ServerSoftware.IIS: "IIS: order not documented",
        }[self.software]

    def active_source_port(self, ephemeral: int) -> int:
        """The source port of an active-mode data connection."""
        if self.software is ServerSoftware.IIS or (
            self.software is ServerSoftware.VSFTPD and self.connect_from_port_20
        ):
            return 20
        return ephemeral


@dataclass(frozen=True)
class FtpClientSettings:
    mode: FtpMode = FtpMode.PASSIVE
    tls: TlsMode = TlsMode.NONE
    prot: Prot = Prot.P
    ccc: bool = False
    trust_pasv_address: bool = False
    """Dial the address in 227 (old ftplib, curl <= 7.73) instead of the control connection's peer."""
    data_port: int = 49153
    """The client's data-connection port (passive: its source port; active: where it listens)."""
    port: int | None = None
    """The control port the client dials; None = 21, or 990 for implicit TLS."""
    on_ccc_refused: OnCccRefused = OnCccRefused.STOP
    """'stop': end the session when the server refuses CCC, as Python's ftplib does (ccc()
    raises error_perm on the 5xx reply); 'continue': carry on with the channel encrypted."""
    type_before_data: bool = True
    """Send TYPE A just before PASV/PORT, as ftplib's retrlines() does; False: the data
    command is the first command after login (ftplib's transfercmd(), or a client that set
    the type earlier)."""

    def __post_init__(self) -> None:
        settle(self, mode=FtpMode, tls=TlsMode, prot=Prot, on_ccc_refused=OnCccRefused)
        object.__setattr__(self, "data_port", fields.port(self.data_port, "data_port"))
        if self.port is not None:
            object.__setattr__(self, "port", fields.port(self.port, "port"))
        for name in ("ccc", "trust_pasv_address", "type_before_data"):
            object.__setattr__(self, name, fields.switch(getattr(self, name), name))


@dataclass(frozen=True)
class FtpSetup:
    """A scenario's FTP session: who talks to whom, and the client's settings."""

    client: str
    server: str
    address: IPv4Address
    """The address the client dials for the control connection."""
    settings: FtpClientSettings = FtpClientSettings()


# --- reply texts -------------------------------------------------------------------------------
# pyftpdlib 2.2's texts were read in its source and seen on the wire. IIS's and vsftpd's
# were seen in published session transcripts (see docs/ftp-rules.md); their failure texts
# are illustrative, only the codes are documented.

_REPLIES = {
    ServerSoftware.PYFTPDLIB: {
        "greeting": "220 pyftpdlib ready.",
        "user": "331 Username ok, send password.",
        "pass": "230 Login successful.",
        "type": "200 Type set to: ASCII.",
        "pasv": "227 Entering passive mode ({six}).",
        "epsv": "229 Entering extended passive mode (|||{port}|).",
        "active_ok": "200 Active data connection established.",
        "eprt_ok": "200 Active data connection established.",
        "active_fail": "425 Can't connect to specified address.",
        "foreign": "501 Rejected data connection to foreign address {addr}:{port}.",
        "privileged": '501 PORT against the privileged port "{port}" refused.',
        "pasv_foreign": "425 Rejected data connection from foreign address {addr}:{port}.",
        "pasv_timeout": "421 Passive data channel timed out.",
        "transfer": "125 Data connection already open. Transfer starting.",
        "done": "226 Transfer complete.",
        "quit": "221 Goodbye.",
        "auth": "234 AUTH TLS successful.",
        "pbsz": "200 PBSZ=0 successful.",
        "prot_P": "200 Protection set to Private",
        "prot_C": "200 Protection set to Clear",
        "ccc": '500 Command "CCC" not understood.',
        "ccc_ok": "200 CCC command successful.",
        "tls_control": "550 SSL/TLS required on the control channel.",
        "tls_data": "550 SSL/TLS required on the data channel.",
        "no_tls": "502 Unrecognized encryption type (use TLS or SSL).",
    },
    ServerSoftware.IIS: {
        "greeting": "220 Microsoft FTP Service",
        "user": "331 Password required",
        "pass": "230 User logged in.",
        "type": "200 Type set to A.",
        "pasv": "227 Entering Passive Mode ({six}).",
        "epsv": "229 Entering Extended Passive Mode (|||{port}|)",
        "active_ok": "200 PORT command successful.",
        "eprt_ok": "200 EPRT command successful.",
        "active_fail": "425 Can't open data connection.",
        "foreign": "501 Server cannot accept argument.",
        "privileged": "501 Server cannot accept argument.",
        "pasv_foreign": "425 Can't open data connection.",
        "pasv_timeout": "425 Can't open data connection.",
        "transfer": "125 Data connection already open; Transfer starting.",
        "done": "226 Transfer complete.",
        "quit": "221 Goodbye.",
        "auth": "234 AUTH command ok. Expecting TLS Negotiation.",
        "pbsz": "200 PBSZ command successful.",
        "prot_P": "200 PROT command successful.",
        "prot_C": "200 PROT command successful.",
        "ccc": "534 Policy requires SSL.",
        "ccc_ok": "200 CCC command successful.",
        "tls_control": "534 Policy requires SSL.",
        "tls_data": "522 Data connections must be encrypted.",
        "no_tls": "504 Security mechanism not implemented.",
    },
    ServerSoftware.VSFTPD: {
        "greeting": "220 (vsFTPd 3.0.3)",
        "user": "331 Please specify the password.",
        "pass": "230 Login successful.",
        "type": "200 Switching to ASCII mode.",
        "pasv": "227 Entering Passive Mode ({six}).",
        "epsv": "229 Entering Extended Passive Mode (|||{port}|)",
        "active_ok": "200 PORT command successful. Consider using PASV.",
        "eprt_ok": "200 EPRT command successful. Consider using EPSV.",
        "active_fail": "425 Failed to establish connection.",
        "foreign": "500 Illegal PORT command.",
        "privileged": "500 Illegal PORT command.",
        "pasv_foreign": "425 Security: Bad IP connecting.",
        "pasv_timeout": "425 Failed to establish connection.",
        "transfer": "150 Here comes the directory listing.",
        "done": "226 Directory send OK.",
        "quit": "221 Goodbye.",
        "auth": "234 Proceed with negotiation.",
        "pbsz": "200 PBSZ set to 0.",
        "prot_P": "200 PROT now Private.",
        "prot_C": "200 PROT now Clear.",
        "ccc": "500 Unknown command.",
        "ccc_ok": "200 CCC command successful.",
        "tls_control": "530 Non-anonymous sessions must use encryption.",
        "tls_data": "522 Data connections must be encrypted.",
        "no_tls": "504 Unknown AUTH type.",
    },
}


def reply_text(software: ServerSoftware, key: str, **values: object) -> str:
    return _REPLIES[software][key].format(**values)


def connects_at_port_command(software: ServerSoftware) -> bool:
    """pyftpdlib, and IIS since FTP 7.5 (KB 2505047), open the active data connection as
    soon as PORT/EPRT arrives, before they answer it; vsftpd waits for the transfer command."""
    return software in (ServerSoftware.PYFTPDLIB, ServerSoftware.IIS)

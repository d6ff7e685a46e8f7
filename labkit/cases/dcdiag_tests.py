"""What a failed dcdiag test means when it is not the VerifyEnterpriseReferences back-link.

KB 2512643 lists failures the 2008/2008 R2 DCDIAG reports under /c, /e or /a that are expected;
they are recognised here by their message, not by the test name alone. For any other failed test
the kit says what the test checks (dcdiag command reference) and that it needs looking into on
its own. Either way a failed test is reported beside the back-link verdict, never folded into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KB_EXPECTED = "KB 2512643"


@dataclass(frozen=True)
class FailedTest:
    server: str
    test: str
    output: str = ""
    """What dcdiag printed between 'Starting test' and 'failed test' for this test."""


@dataclass(frozen=True)
class OtherFailure:
    server: str
    test: str
    expected: bool
    """Its message matches one of the expected failures KB 2512643 lists."""
    meaning: str

    def __str__(self) -> str:
        return (
            f"{self.test} on {self.server}: " + (f"expected ({KB_EXPECTED}): " if self.expected else "") + self.meaning
        )

    def to_dict(self) -> dict:
        return {"server": self.server, "test": self.test, "expected": self.expected, "meaning": self.meaning}


# (tests, what the output must contain, what it means): the expected failures of KB 2512643.
_KB_PATTERNS = (
    (
        ("services",),
        r"invalid service type:\s*rpcss",
        "the 2008/2008 R2 DCDIAG expects RpcSs to run as a shared process; a Windows Server 2003 DC runs it as "
        "its own process. On a 2003 DC leave the service as it is; on a 2008 or later DC look into it",
    ),
    (
        ("frsevent", "dfsrevent", "kccevent", "systemlog"),
        r"0x6ba|could not be queried",
        "DCDIAG could not read this DC's event log remotely (error 0x6ba, the RPC server is unavailable): the "
        "Remote Event Log Management firewall rules are off by default on 2008/2008 R2. The log itself was not "
        "checked: enable those rules (wf.msc) and run the test again",
    ),
    (
        ("outboundsecurechannels",),
        r"trust object",
        "the 2008/2008 R2 DCDIAG does not test trusts correctly; test them with nltest /sc_query:<domain> "
        "or netdom trust <domain> /domain:<other> /verify instead",
    ),
)

# What each test checks, from the dcdiag command reference (Microsoft Learn).
_CHECKS = {
    "advertising": "that the DC advertises itself in its roles (Netlogon and KDC running), so clients can find it",
    "checksdrefdom": "the security descriptor reference domains of the application partitions",
    "connectivity": "that the DC is registered in DNS and reachable over LDAP and RPC",
    "crossrefvalidation": "the cross-reference objects of the naming contexts",
    "cutoffservers": "that no DC is cut off from AD replication",
    "dfsrevent": "warnings and errors in the DFS Replication event log of the last 24 hours",
    "dns": "DNS health for AD (zones, records, forwarders, delegations)",
    "frsevent": "errors in the File Replication Service event log of the last 24 hours",
    "intersite": "failures that hold up replication between sites",
    "kccevent": "KCC errors and warnings in the Directory Service event log of the last 15 minutes",
    "knowsofroleholders": "that the DC knows the five FSMO role holders",
    "machineaccount": "the DC's computer account: in Domain Controllers, the right flags and SPNs",
    "ncsecdesc": "the permissions on the naming contexts that replication needs",
    "netlogons": "that the SYSVOL and NETLOGON shares can be read",
    "objectsreplicated": "that the DC's computer and NTDS Settings objects have replicated",
    "outboundsecurechannels": "secure channels to the domains named with /testdomain",
    "replications": "timely AD replication without errors",
    "ridmanager": "that the RID master is reachable and holds proper information",
    "services": "that the DC's services run with their default start and process types",
    "sysvolcheck": "that SYSVOL is ready on the DC (Netlogon's SysVolReady registry value is 1)",
    "systemlog": "errors in the System event log",
    "topology": "that the replication topology connects every DC",
    "verifyreferences": "the DC's own FRS and replication references",
    "verifyreplicas": "that application partitions are fully instantiated on their replicas",
}


def explain(failure: FailedTest) -> OtherFailure:
    """One of KB 2512643's expected failures, or what the test checks and that it needs a look."""
    test = failure.test.lower()
    for tests, pattern, meaning in _KB_PATTERNS:
        if test in tests and re.search(pattern, failure.output, re.I):
            return OtherFailure(failure.server, failure.test, True, meaning)
    checks = _CHECKS.get(test)
    meaning = (
        f"not one of {KB_EXPECTED}'s expected failures. It checks {checks}: look into it on its own"
        if checks
        else f"not one of {KB_EXPECTED}'s expected failures, and not a test the kit knows: "
        "read its output (dcdiag /? lists the tests)"
    )
    return OtherFailure(failure.server, failure.test, False, meaning)

"""Reading dcdiag and repadmin /replsummary output: the VerifyEnterpriseReferences problems and
the failed tests dcdiag printed, and repadmin's failed and total replication attempts.

What the output means for the domain is judged apart, in labkit.cases.dcdiag (the verdict)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import LabkitError
from .dcdiag_tests import FailedTest

MAX_TEXT = 4_000_000
"""Characters of dcdiag or repadmin output read (a forest of 100 DCs writes well under 1 MB)."""
_FAILED = re.compile(r"(?i)(?<!\.)\.{3,}[ \t]*([^.\s]\S*)\s+failed test\s+(\S+)")


class DcdiagInputError(LabkitError, ValueError):
    """Input that is not dcdiag (or repadmin) output at all."""

    def __init__(self, message: str, tool: str | None = None):
        super().__init__(message)
        self.tool = tool
        """The output the error is about: 'dcdiag' or 'repadmin' (None: the domain's settings)."""


@dataclass(frozen=True)
class ReferenceProblem:
    number: int
    problem: str
    base_object: str
    base_description: str = ""
    attribute: str = ""
    value_description: str = ""
    action: str = ""

    @property
    def dc(self) -> str:
        match = re.match(r"\s*CN=([^,]+)", self.base_object, re.I)
        return match.group(1) if match else self.base_object


@dataclass(frozen=True)
class DcdiagReport:
    problems: tuple[ReferenceProblem, ...]
    failures: tuple[FailedTest, ...]
    """The tests dcdiag reported as failed, with what each printed."""
    servers: tuple[str, ...]
    ran_verify_enterprise_references: bool
    finished_verify_enterprise_references: bool = True
    """dcdiag printed the test's 'passed test' or 'failed test' line (the output is not cut off)."""

    @property
    def failed_tests(self) -> tuple[tuple[str, str], ...]:
        """(server, test) pairs dcdiag reported as failed."""
        return tuple((f.server, f.test) for f in self.failures)


@dataclass(frozen=True)
class SectionCount:
    """Failed and total replication attempts in one section of repadmin /replsummary."""

    fails: int = 0
    total: int = 0

    def __str__(self) -> str:
        return f"{self.fails} of {self.total}"


@dataclass(frozen=True)
class ReplicationSummary:
    source: SectionCount
    """The 'Source DSA' section: each DC's outbound links."""
    destination: SectionCount
    """The 'Destination DSA' section: each DC's inbound links. Every link appears in both sections,
    so the two are reported side by side, never added up."""
    errors: tuple[str, ...]
    dcs: tuple[str, ...] = ()
    """The DCs the summary lists as source or destination."""

    @property
    def clean(self) -> bool:
        return self.source.fails == 0 and self.destination.fails == 0 and not self.errors

    @property
    def attempts(self) -> bool:
        return bool(self.source.total or self.destination.total)

    def describe(self) -> str:
        return (
            f"Source DSA section: {self.source} attempts failed; Destination DSA section: "
            f"{self.destination} attempts failed"
        )


_FIELDS = {
    "base object": "base_object",
    "base object description": "base_description",
    "value object attribute name": "attribute",
    "value object description": "value_description",
    "recommended action": "action",
}


def _bounded(text: object, tool: str) -> None:
    if isinstance(text, str) and len(text) > MAX_TEXT:
        raise DcdiagInputError(f"more than {MAX_TEXT:,} characters: longer than any {tool} output this kit reads", tool)


def parse_dcdiag(text: str) -> DcdiagReport:
    """The VerifyEnterpriseReferences problems and the failed tests in dcdiag output."""
    _bounded(text, "dcdiag")
    if not isinstance(text, str) or not re.search(
        r"(?i)(starting test:|directory server diagnosis|\[\d+\]\s*problem:"
        r"|passed test|failed test)",
        text,
    ):
        raise DcdiagInputError(
            "this does not look like dcdiag output (no 'Starting test', 'Problem:', "
            "'passed test' or 'failed test' lines)",
            "dcdiag",
        )
    problems: list[ReferenceProblem] = []
    failures: list[FailedTest] = []
    current: tuple[int, str] | None = None
    """The number and text of the problem being read; its other fields follow in `fields`."""
    fields: dict[str, str] = {}
    block: tuple[str, list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip().strip("\u201c\u201d")
        # Each test's own lines, so that a failure can be matched against KB 2512643's messages.
        starting = re.search(r"(?i)starting test:\s*(\S+)", line)
        # From the start of a run of dots only: searching from every dot backtracks (1 500 dots, 16 s).
        failed = "failed test" in line.lower() and _FAILED.search(line)
        if starting:
            block = (starting.group(1).lower(), [])
        elif failed:
            own = block if block is not None and block[0] == failed.group(2).lower() else None
            failures.append(FailedTest(failed.group(1), failed.group(2), "\n".join(own[1]) if own else ""))
            block = None
        elif block:
            block[1].append(line)
        start = re.match(r"\[(\d{1,9})\]\s*Problem:\s*(.*)", line, re.I)
        if start:
            if current:
                problems.append(ReferenceProblem(current[0], current[1], **fields))
            current, fields = (int(start.group(1)), start.group(2).strip()), {"base_object": ""}
            continue
        if current is not None:
            name, sep, value = line.partition(":")
            key = _FIELDS.get(name.strip().lower())
            if sep and key:
                fields[key] = value.strip().strip('"\u201c\u201d')
    if current:
        problems.append(ReferenceProblem(current[0], current[1], **fields))
    servers = tuple(
        dict.fromkeys(m.group(1).split("\\")[-1] for m in re.finditer(r"(?i)Testing server:\s*(\S+)", text))
    )
    return DcdiagReport(
        tuple(problems),
        tuple(failures),
        servers,
        bool(re.search(r"(?i)test:\s*VerifyEnterpriseReferences", text)),
        bool(re.search(r"(?i)(passed|failed) test\s+VerifyEnterpriseReferences", text)),
    )


def parse_replsummary(text: str) -> ReplicationSummary:
    """Fails/total and errors from `repadmin /replsummary`."""
    _bounded(text, "repadmin")
    if not isinstance(text, str) or not re.search(r"(?i)(source dsa|destination dsa|replication summary)", text):
        raise DcdiagInputError(
            "this does not look like repadmin /replsummary output (no 'Source DSA' or 'Destination DSA' section)",
            "repadmin",
        )
    counts = {"source": [0, 0], "destination": [0, 0]}
    dcs: list[str] = []
    section: str | None = None
    for line in text.splitlines():
        heading = re.match(r"(?i)\s*(source|destination) dsa\b", line)
        if heading:
            section = heading.group(1).lower()
            continue
        if re.search(r"(?i)operational errors", line):
            section = None
        row = "/" in line and re.match(r"\s*(\S+)\s+\S.*?\s(\d{1,9})\s*/\s*(\d{1,9})\s+\d", line)
        if row and section:
            dcs.append(row.group(1))
            counts[section][0] += int(row.group(2))
            counts[section][1] += int(row.group(3))
    errors = [m.group(0).strip() for m in re.finditer(r"\(\d{2,5}\)\s+[^\n]+", text)]
    # repadmin lists DCs it could not even ask under this heading, as "<error> - <DC>".
    unreachable = re.search(r"(?is)operational errors trying to retrieve replication information:(.*)", text)
    if unreachable:
        errors += [
            f"cannot reach {m.group(2)} (error {m.group(1)})"
            for m in re.finditer(r"(?m)^\s*(\d{1,10})\s*-\s*(\S+)", unreachable.group(1))
        ]
    return ReplicationSummary(
        SectionCount(*counts["source"]),
        SectionCount(*counts["destination"]),
        tuple(dict.fromkeys(errors)),
        tuple(dict.fromkeys(dcs)),
    )

"""Reading a PowerShell command line the way Windows PowerShell 5.1 binds parameters:
`-Name value`, `-Name:value`, names shortened to any unambiguous prefix or given by an
alias, positional arguments in order, enum values in any case; and PowerShell's own error
records when that fails (ParameterBindingException texts).

PowerShell accepts typographic quotes (“ ” ‘ ’) as quotes and an en or em dash before a
parameter name, unlike cmd.exe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ...errors import LabkitError
from .layout import ps_error

QUOTES = {
    '"': '"',
    "'": "'",
    "\u201c": '\u201d\u201c"',
    "\u201d": '\u201d\u201c"',
    "\u2018": "\u2019\u2018'",
    "\u2019": "\u2019\u2018'",
}
DASHES = "-\u2013\u2014"
BoundValue = str | int | tuple[str, ...]
"""A bound parameter's value: text or an enum choice, a number (uint), True/False (a switch, as
an int's subclass), or the comma-separated texts of a `strings` parameter."""


class PsError(LabkitError):
    """A PowerShell error record: `text` is what the console prints."""

    def __init__(self, text: str):
        super().__init__(text.splitlines()[0] if text else "")
        self.text = text


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    """0-based column in the line."""
    length: int
    quoted: bool = False


def tokenize(line: str) -> list[list[Token]]:
    """Words of each pipeline element, with where they stand (for the error's `~~~` marks)."""
    stages: list[list[Token]] = [[]]
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t":
            i += 1
            continue
        if c == "|":
            stages.append([])
            i += 1
            continue
        start, text, quoted = i, "", False
        while i < n and line[i] not in " \t|":
            if line[i] in QUOTES:
                closing = QUOTES[line[i]]
                j = i + 1
                while j < n and line[j] not in closing:
                    j += 1
                if j >= n:
                    raise PsError(_incomplete(line, i))
                text, quoted, i = text + line[i + 1 : j], True, j + 1
            else:
                text, i = text + line[i], i + 1
        stages[-1].append(Token(text, start, i - start, quoted))
    if any(not stage for stage in stages):
        raise PsError(
            "\n".join(
                [
                    "At line:1 char:" + str(len(line) + 1),
                    f"+ {line}",
                    "+ " + " " * len(line) + "~",
                    "An empty pipe element is not allowed.",
                    "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException",
                    "    + FullyQualifiedErrorId : EmptyPipeElement",
                    "",
                ]
            )
        )
    return stages


def _incomplete(line: str, at: int) -> str:
    return "\n".join(
        [
            f"At line:1 char:{at + 1}",
            f"+ {line}",
            "+ " + " " * at + "~" * (len(line) - at),
            'The string is missing the terminator: ".',
            "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException",
            "    + FullyQualifiedErrorId : TerminatorExpectedAtEndOfString",
            "",
        ]
    )


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "string"
    """string, strings (accepts a comma list), uint, switch, or enum."""
    type_name: str = "System.String"
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    modelled: bool = True


@dataclass(frozen=True)
class Cmdlet:
    name: str
    params: tuple[Param, ...]
    positional: tuple[str, ...] = ()
    noun_class: str = ""
    """The CIM class the cmdlet works on (MSFT_NetRoute), for not-found errors."""
    common: tuple[str, ...] = field(
        default=("Confirm", "WhatIf", "PassThru", "CimSession", "ThrottleLimit", "AsJob", "PolicyStore")
    )


def _lookup(cmdlet: Cmdlet, typed: str) -> Param | list[Param] | None:
    lowered = typed.lower()
    for p in cmdlet.params:
        if lowered == p.name.lower() or lowered in (a.lower() for a in p.aliases):
            return p
    matches = [p for p in cmdlet.params if p.name.lower().startswith(lowered)]
    return matches[0] if len(matches) == 1 else (matches or None)


def _binding_error(line: str, cmdlet: Cmdlet, token: Token, message: str, error_id: str) -> PsError:
    return PsError(
        ps_error(
            line,
            cmdlet.name,
            message,
            f"InvalidArgument: (:) [{cmdlet.name}], ParameterBindingException",
            f"{error_id},{_qualified(cmdlet)}",
            token.start + 1,
            token.length,
        )
    )


def _qualified(cmdlet: Cmdlet) -> str:
    return cmdlet.name


def _convert(line: str, cmdlet: Cmdlet, param: Param, token: Token) -> BoundValue:
    value = token.text
    if param.kind == "enum":
        for choice in param.choices:
            if value.lower() == choice.lower():
                return choice
        raise _binding_error(
            line,
            cmdlet,
            token,
            f"Cannot bind parameter '{param.name}'. Cannot convert value \"{value}\" to type "
            f'"{param.type_name}". Error: "Unable to match the identifier name {value} to a valid enumerator '
            "name. Specify one of the following enumerator names and try again:\n"
            f'{", ".join(sorted(param.choices))}"',
            "CannotConvertArgumentNoMessage",
        )
    if param.kind == "uint":
        try:
            number = int(value, 0) if value.lower().startswith("0x") else int(value)
            if number < 0 or number > 0xFFFFFFFF:
                raise ValueError
            return number
        except ValueError:
            raise _binding_error(
                line,
                cmdlet,
                token,
                f"Cannot process argument transformation on parameter '{param.name}'. Cannot convert value "
                f'"{value}" to type "{param.type_name}". Error: "Input string was not in a correct format."',
                "ParameterArgumentTransformationError",
            ) from None
    if param.kind == "strings":
        return tuple(v for v in value.split(",") if v)
    return value


def bind(line: str, cmdlet: Cmdlet, tokens: list[Token]) -> dict[str, BoundValue]:
    """Match the words after the cmdlet name to its parameters (PowerShell's binder)."""
    bound: dict[str, BoundValue] = {}
    positional = list(cmdlet.positional)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        text = token.text
        if not token.quoted and len(text) > 1 and text[0] in DASHES and not text[1].isdigit():
            name, colon, inline = text[1:].partition(":")
            found = _lookup(cmdlet, name)
            if found is None:
                raise _binding_error(
                    line,
                    cmdlet,
                    token,
                    f"A parameter cannot be found that matches parameter name '{name}'.",
                    "NamedParameterNotFound",
                )
            if isinstance(found, list):
                options = " ".join(f"-{p.name}" for p in found)
                raise _binding_error(
                    line,
                    cmdlet,
                    token,
                    f"Parameter cannot be processed because the parameter name '{name}' is "
                    f"ambiguous. Possible matches include: {options}.",
                    "AmbiguousParameter",
                )
            if found.name in bound:
                raise _binding_error(
                    line,
                    cmdlet,
                    token,
                    f"Cannot bind parameter because parameter '{found.name}' is specified more "
                    "than once. To provide multiple values to parameters that can accept multiple "
                    'values, use the array syntax. For example, "-parameter value1,value2,value3".',
                    "ParameterAlreadyBound",
                )
            if found.kind == "switch":
                bound[found.name] = inline.lower() not in ("$false", "0") if colon else True
                i += 1
                continue
            if colon and inline:
                value_token = Token(inline, token.start + len(name) + 2, len(inline))
                i += 1
            elif i + 1 < len(tokens):
                value_token, i = tokens[i + 1], i + 2
            else:
                raise _binding_error(
                    line,
                    cmdlet,
                    token,
                    f"Missing an argument for parameter '{found.name}'. Specify a parameter of "
                    f"type '{found.type_name}' and try again.",
                    "MissingArgument",
                )
            bound[found.name] = _convert(line, cmdlet, found, value_token)
            if found.name in positional:
                positional.remove(found.name)
            continue
        free = [p for p in positional if p not in bound]
        if not free:
            raise _binding_error(
                line,
                cmdlet,
                token,
                f"A positional parameter cannot be found that accepts argument '{text}'.",
                "PositionalParameterNotFound",
            )
        param = next(p for p in cmdlet.params if p.name == free[0])
        bound[param.name] = _convert(line, cmdlet, param, token)
        positional.remove(param.name)
        i += 1
    return bound


def not_modelled(cmdlet: Cmdlet, bound: dict[str, BoundValue]) -> list[str]:
    """Parameters given that PowerShell accepts but the kit does not model."""
    known = {p.name: p for p in cmdlet.params}
    return [name for name in bound if not known[name].modelled]


def wildcard(patterns: Iterable[object], value: str) -> bool:
    """PowerShell's -like matching, case-insensitive, as the NetTCPIP filters use it."""
    return any(fnmatchcase(value.lower(), str(p).lower()) for p in patterns)

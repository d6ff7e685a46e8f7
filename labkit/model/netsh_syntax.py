"""How netsh reads a command's arguments: each command's parameters (positional order, tags,
enumerated values, what the kit models), `tag=value` or bare words matched to them, and
netsh's refusals, with a hint that types the command back correctly."""

from __future__ import annotations

from dataclasses import dataclass

from .addressing import parse_ipv4
from .cmdline import CommandError, command_text
from .host import Interface, Node, Switch

ON_OFF = ("enabled", "disabled")


@dataclass(frozen=True)
class Syntax:
    """One netsh command's parameters: the positional order, tags that must be named,
    the values of enumerated ones, which ones the kit models, and which are required."""

    positional: tuple[str, ...]
    modelled: frozenset[str]
    required: tuple[str, ...] = ()
    tag_only: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def values(self, name: str) -> tuple[str, ...]:
        return dict(self.choices).get(name, ())


_STORE = ("store", ("active", "persistent"))
SET_INTERFACE = Syntax(
    positional=(
        "interface",
        Switch.FORWARDING,
        "advertise",
        "mtu",
        "siteprefixlength",
        "nud",
        "basereachabletime",
        "retransmittime",
        "dadtransmits",
        "routerdiscovery",
        "managedaddress",
        "otherstateful",
        Switch.WEAKHOSTSEND,
        Switch.WEAKHOSTRECEIVE,
        "ignoredefaultroutes",
        "advertisedrouterlifetime",
        "advertisedefaultroute",
        "currenthoplimit",
        "store",
        "forcearpndwolpattern",
        "enabledirectedmacwolpattern",
        "ecncapability",
        "rabaseddnsconfig",
        "dhcpstaticipcoexistence",
    ),
    tag_only=("metric",),
    modelled=frozenset({"interface", *Switch, "metric", "store"}),
    required=("interface",),
    choices=tuple(
        (name, ON_OFF)
        for name in (
            Switch.FORWARDING,
            "advertise",
            "nud",
            "managedaddress",
            "otherstateful",
            Switch.WEAKHOSTSEND,
            Switch.WEAKHOSTRECEIVE,
            "ignoredefaultroutes",
            "advertisedefaultroute",
            "forcearpndwolpattern",
            "enabledirectedmacwolpattern",
            "rabaseddnsconfig",
            "dhcpstaticipcoexistence",
        )
    )
    + (
        ("routerdiscovery", ("enabled", "disabled", "dhcp")),
        ("ecncapability", ("ecndisabled", "ect1", "ect0", "application")),
        _STORE,
    ),
)
ADD_ROUTE = Syntax(
    positional=(
        "prefix",
        "interface",
        "nexthop",
        "siteprefixlength",
        "metric",
        "publish",
        "validlifetime",
        "preferredlifetime",
        "store",
    ),
    modelled=frozenset({"prefix", "interface", "nexthop", "metric", "store"}),
    required=("prefix", "interface"),
    choices=(("publish", ("no", "age", "yes")), _STORE),
)
DELETE_ROUTE = Syntax(
    positional=("prefix", "interface", "nexthop", "store"),
    modelled=frozenset({"prefix", "interface", "nexthop", "store"}),
    required=("prefix", "interface"),
    choices=(_STORE,),
)
ADD_ADDRESS = Syntax(
    positional=(
        "name",
        "address",
        "mask",
        "type",
        "gateway",
        "gwmetric",
        "validlifetime",
        "preferredlifetime",
        "subinterface",
        "store",
        "skipassource",
    ),
    modelled=frozenset({"name", "address", "mask", "skipassource", "store"}),
    required=("name", "address"),
    choices=(("type", ("unicast", "anycast")), ("skipassource", ("true", "false")), _STORE),
)
DELETE_ADDRESS = Syntax(
    positional=("name", "address", "gateway", "store"),
    modelled=frozenset({"name", "address", "store"}),
    required=("name", "address"),
    choices=(_STORE,),
)
SHOW_INTERFACES = Syntax(
    positional=("interface", "rr", "level", "store"),
    modelled=frozenset({"interface", "level", "store"}),
    choices=(("level", ("normal", "verbose")), _STORE),
)
SHOW_ROUTE = Syntax(
    positional=("level", "store"),
    modelled=frozenset({"level", "store"}),
    choices=(("level", ("normal", "verbose")), _STORE),
)

SHOW_CONFIG = Syntax(positional=("name",), modelled=frozenset({"name"}))

SYNTAX_ERROR = "The syntax supplied for this command is not valid. Check help for the correct syntax."


def _tag(typed: str, syntax: Syntax) -> str | None:
    """netsh accepts a tag or any prefix of it that names one tag only (l= for level=)."""
    tags = syntax.positional + syntax.tag_only
    if typed in tags:
        return typed
    matches = [t for t in tags if t.startswith(typed)]
    return matches[0] if len(matches) == 1 else None


def _name_slot(syntax: Syntax) -> str | None:
    """The parameter that takes an interface name, if the command has one."""
    return next((p for p in syntax.positional if p in ("interface", "name")), None)


def _name_hint(node: Node, words: list[str], name_at: int | None, syntax: Syntax) -> str:
    """When an interface name was typed without quotes: the command with the name in quotes."""
    slot = _name_slot(syntax)
    names = ", ".join(f'"{i.label}"' for i in node.interfaces)
    general = f"an interface name with spaces needs straight double quotes; {node.name} has: {names}"
    if name_at is None or slot is None:
        return general
    loose = []
    for word in words[name_at:]:
        if "=" in word:
            break
        loose.append(word)
    labels = {i.label.lower() for i in node.interfaces}
    for count in range(len(loose), 1, -1):
        joined = " ".join(loose[:count])
        if joined.lower() in labels:
            fixed = words[:name_at] + [joined] + words[name_at + count :]
            return f"a name with spaces needs straight double quotes: {command_text(fixed)}"
    return general


def _not_valid(word: str, hint: str) -> CommandError:
    return CommandError(f"'{word}' is not a valid argument for this command. {SYNTAX_ERROR}", hint)


def read_arguments(node: Node, words: list[str], start: int, syntax: Syntax) -> dict[str, str]:
    """Match the words after the command to its parameters as netsh does: `tag=value` by
    tag, bare words to the free positions in order; then check the values."""
    out: dict[str, str] = {}
    at: dict[str, int] = {}
    bare: set[str] = set()
    for index in range(start, len(words)):
        word = words[index]
        if "=" in word:
            tag, _, value = word.partition("=")
            name = _tag(tag.lower(), syntax)
            if name is None:
                known = ", ".join(p for p in syntax.positional + syntax.tag_only if p in syntax.modelled)
                raise _not_valid(word, f"labkit knows these parameters here: {known}")
        else:
            free = [p for p in syntax.positional if p not in out]
            if not free:
                slot = _name_slot(syntax)
                raise _not_valid(word, _name_hint(node, words, at.get(slot) if slot else None, syntax))
            name, value = free[0], word
            bare.add(name)
        if name in out:
            raise CommandError(f"{name} is given twice", f"give {name}= once", own_wording=True)
        out[name], at[name] = value, index
    slot = _name_slot(syntax)
    for name, value in out.items():
        allowed = syntax.values(name)
        address = name in ("nexthop", "gateway")
        if (not allowed or value.lower() in allowed) and (not address or _is_ipv4(value)):
            continue
        hint = f"{name} must be {' or '.join(allowed)}" if allowed else f"{name} must be an IPv4 address"
        if name in bare and slot is not None and slot in bare:
            hint = _name_hint(node, words, at[slot], syntax)
        if allowed:
            raise _not_valid(words[at[name]], hint)
        raise CommandError(f"netsh: {words[at[name]]!r} is not an IPv4 address for {name}", hint, own_wording=True)
    for name in out:
        if name not in syntax.modelled:
            raise CommandError(
                f"netsh: the parameter {name!r} is not modelled by labkit",
                f"labkit models: {', '.join(sorted(syntax.modelled))}",
            )
    missing = [p for p in syntax.required if p not in out]
    if missing:
        raise CommandError(
            "One or more essential parameters were not entered. Verify the required parameters, "
            f"and reenter them. {SYNTAX_ERROR}",
            f"give {' and '.join(missing)}",
        )
    return {name: value if not syntax.values(name) else value.lower() for name, value in out.items()}


def _is_ipv4(text: str) -> bool:
    try:
        parse_ipv4(text, "address")
    except ValueError:
        return False
    return True


def interface_by_name(node: Node, name: str) -> Interface:
    """netsh finds an interface by its name (any case) or its index."""
    for iface in node.interfaces:
        if name.lower() in (iface.label.lower(), iface.key.lower(), str(node.if_index(iface.key))):
            return iface
    names = ", ".join(f'"{i.label}"' for i in node.interfaces)
    raise CommandError(
        "The filename, directory name, or volume label syntax is incorrect.",
        f"no interface named {name!r}; {node.name} has: {names}",
    )

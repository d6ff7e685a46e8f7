"""How cmd.exe cuts a typed line into programs and words, and the error a refused command raises.

cmd.exe knows only the straight double quote (U+0022): typographic quotes pasted from a
web page or a word processor are ordinary characters, so `“NLB NIC”` reaches netsh as
the two words `“NLB` and `NIC”`.
"""

from __future__ import annotations

from ..errors import LabkitError

TYPOGRAPHIC_QUOTES = "\u201c\u201d\u201e\u2018\u2019"
"""“ ” „ ‘ ’: characters that look like quotes but are not quotes to cmd.exe."""

OWN_WORDING = "[labkit's wording: Windows's exact message for this is not documented]"


class CommandError(LabkitError, ValueError):
    """A command Windows would refuse.

    `message` is what Windows prints; where Windows refuses but its exact text is not
    documented, `own_wording` marks the message as the kit's. Messages about what labkit
    does not model say so themselves. `hint` says how to write the command. str() gives
    both on one line.
    """

    def __init__(self, message: str, hint: str = "", *, own_wording: bool = False):
        self.message = message
        self.hint = hint
        self.own_wording = own_wording
        text = f"{OWN_WORDING} {message}" if own_wording else message
        super().__init__(f"{text} Hint: {hint}" if hint else text)


class InconsistentChange(CommandError):
    """A command Windows would run, refused because the network after it would be inconsistent
    (an address conflict, a router that stops forwarding, …): the kit's refusal, not Windows's."""


def split_command_line(line: str) -> list[list[str]]:
    """Words of each command in a cmd.exe line, commands chained with '&&' or '&'.

    Straight double quotes group words and are removed wherever they stand
    (name="NLB NIC" gives name=NLB NIC), as netsh receives them. Typographic quotes are
    kept as ordinary characters. Leading blanks, also no-break spaces copied from a web
    page, are dropped.
    """
    text = line.strip()
    commands: list[list[str]] = [[]]
    word, quoted, in_word = "", False, False
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            quoted, in_word = not quoted, True
        elif char == "&" and not quoted:
            if in_word:
                commands[-1].append(word)
            word, in_word = "", False
            commands.append([])
            if text[i + 1 : i + 2] == "&":
                i += 1
        elif char in " \t" and not quoted:
            if in_word:
                commands[-1].append(word)
            word, in_word = "", False
        else:
            word, in_word = word + char, True
        i += 1
    if quoted:
        raise CommandError("labkit cannot read the command: a quote is not closed", 'close every " you open')
    if in_word:
        commands[-1].append(word)
    if any(not words for words in commands):
        raise CommandError("labkit: empty command", "type a command on each side of &&")
    return commands


def has_typographic_quotes(word: str) -> bool:
    return any(char in TYPOGRAPHIC_QUOTES for char in word)


def quoted_word(word: str) -> str:
    """A word as it must be typed so that cmd.exe hands it over unchanged."""
    if " " not in word:
        return word
    name, sep, value = word.partition("=")
    if sep and " " not in name:
        return f'{name}="{value}"'
    return f'"{word}"'


def command_text(words: list[str]) -> str:
    """The words of one command typed back as a line, quoting words that hold spaces."""
    return " ".join(quoted_word(w) for w in words)


def straight_quotes(text: str) -> str:
    """The line with every typographic quote replaced by a straight double quote."""
    for char in TYPOGRAPHIC_QUOTES:
        text = text.replace(char, '"')
    return text

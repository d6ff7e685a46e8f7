"""A disk-layout preflight for a Windows Server 2008 R2 system image (bare-metal) restore.

Rules (reference: case files §2; docs/case-rules.md lists them in order): every disk that was
critical at backup time needs a target disk at least as large as the original disk (not just its
data); the disk holding the backup is never a target; any other attached disk, a bootable USB
flash stick included, counts as a candidate target. The field notes add that the layout may not
differ from the backup's: pull the stick, disable an extra disk. The ASR error texts add the
boot-order rule: the disk the BIOS boots must take the original system disk (0x80042406,
0x80042407). Excluding a disk (`wbadmin start sysrecovery … -recreateDisks -excludeDisks`) is
documented to leave it untouched; that it cures a differing layout is shown nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import LabkitError
from ..model.vocabulary import Vocabulary, settle

GENERIC = "The system image restore failed. Error details: The parameter is incorrect. (0x80070057)"
TOO_FEW = "0x80042401: too few disks, or disks too small (on 2008 R2 often shown as 0x80070057)"
DATA_DISK_ACTIVE = (
    "0x80042406: a data disk is currently set as active in BIOS (on 2008 R2 possibly shown as 0x80070057)"
)
BOOT_DISK_TOO_SMALL = (
    "0x80042407: the disk set as active in BIOS is too small to recover the original system "
    "disk (on 2008 R2 possibly shown as 0x80070057)"
)
ERROR_CODES = {
    GENERIC: "0x80070057",
    TOO_FEW: "0x80042401",
    DATA_DISK_ACTIVE: "0x80042406",
    BOOT_DISK_TOO_SMALL: "0x80042407",
}
"""The code each error text above leads with (the one to search for)."""


class RestoreOutcome(Vocabulary):
    WORKS = "works"
    FAILS = "fails"
    NOT_KNOWN = "not known"
    """What the sources do not settle."""

    @property
    def headline(self) -> str:
        return {
            RestoreOutcome.WORKS: "RESTORE WILL WORK",
            RestoreOutcome.FAILS: "RESTORE WILL FAIL",
            RestoreOutcome.NOT_KNOWN: "NOT KNOWN WHETHER THE RESTORE WILL WORK",
        }[self]


class DiskKind(Vocabulary):
    DISK = "disk"
    """An internal disk."""
    USB_FLASH = "usb-flash"
    """A bootable USB stick (WinRE on it counts as a disk)."""
    USB_HDD = "usb-hdd"

    @property
    def usb(self) -> bool:
        return self is not DiskKind.DISK


class LayoutError(LabkitError, ValueError):
    """A layout that names things that are not there; str() is one line naming the key."""


@dataclass(frozen=True)
class Disk:
    name: str
    size_gb: float
    kind: DiskKind = DiskKind.DISK
    holds_backup: bool = False
    critical: bool = False
    """In the backup: holds a system or boot volume."""
    exclude: bool = False
    """On the target: excluded from the restore (Exclude disks… / -excludeDisks)."""
    system: bool = False
    """In the backup: the original system disk, the one the BIOS booted (implies critical)."""

    def __post_init__(self) -> None:
        settle(self, kind=DiskKind)


@dataclass(frozen=True)
class Layout:
    backup: tuple[Disk, ...]
    target: tuple[Disk, ...]
    bios_boot_disk: str | None = None
    """The target disk first in the BIOS boot order (the one 'active in BIOS'); None: not given."""

    def __post_init__(self) -> None:
        names = [d.name for d in self.target]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise LayoutError(f"target: expected each disk name once, got {', '.join(map(repr, twice))} twice")
        if any(d.system for d in self.target):
            raise LayoutError("target: 'system' marks the original system disk, so it belongs in the backup list")
        marked = [d.name for d in self.backup if d.system]
        if len(marked) > 1:
            raise LayoutError(
                f"backup: expected at most one disk with system: true, got {len(marked)} ({', '.join(marked)})"
            )
        if self.bios_boot_disk is None:
            return
        if self.bios_boot_disk not in names:
            raise LayoutError(
                f"bios_boot_disk: expected the name of one of the target disks "
                f"({', '.join(names)}), got {self.bios_boot_disk!r}"
            )
        if self.system_disk is None and self.critical_disks:
            raise LayoutError(
                "backup: with bios_boot_disk, mark the original system disk with system: true "
                f"(the backup has {len(self.critical_disks)} critical disks)"
            )

    @property
    def critical_disks(self) -> tuple[Disk, ...]:
        return tuple(d for d in self.backup if d.critical or d.system)

    @property
    def system_disk(self) -> Disk | None:
        """The disk marked system, else the only critical disk."""
        marked = [d for d in self.backup if d.system]
        critical = self.critical_disks
        return marked[0] if marked else (critical[0] if len(critical) == 1 else None)


@dataclass(frozen=True)
class Preflight:
    outcome: RestoreOutcome
    error: str | None
    cause: str
    fixes: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    documented: tuple[str, ...] = ()
    """What a Microsoft page says about this situation."""
    not_shown: tuple[str, ...] = ()
    """What neither Microsoft nor the field notes show."""

    def __post_init__(self) -> None:
        settle(self, outcome=RestoreOutcome)

    @property
    def ok(self) -> bool:
        return self.outcome is RestoreOutcome.WORKS

    @property
    def code(self) -> str | None:
        """The error code the learner meets, e.g. '0x80042407'."""
        return ERROR_CODES.get(self.error) if self.error is not None else None

    @property
    def headline(self) -> str:
        """'RESTORE WILL WORK', 'RESTORE WILL FAIL' or 'NOT KNOWN WHETHER THE RESTORE WILL WORK'."""
        return self.outcome.headline

    def __str__(self) -> str:
        from ..render import preflight_text

        return preflight_text(self)

    def __repr__(self) -> str:
        from ..render import preflight_repr

        return preflight_repr(self)

    def _repr_html_(self) -> str:
        from ..render import preflight_html

        return preflight_html(self)

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "outcome": self.outcome,
            "error": self.error,
            "code": self.code,
            "cause": self.cause,
            "fixes": list(self.fixes),
            "notes": list(self.notes),
            "documented": list(self.documented),
            "not_shown": list(self.not_shown),
        }


EXCLUDE_DOCUMENTED = (
    "wbadmin start sysrecovery … -recreateDisks -excludeDisks:<disk IDs from wbadmin get disks> "
    "leaves an excluded disk unpartitioned and unformatted (Microsoft's wbadmin reference)"
)


def _gb(disks) -> str:
    return ", ".join(f"{d.size_gb:g} GB" for d in disks)


def _preference(disk: Disk) -> tuple[bool, float]:
    return disk.kind.usb, -disk.size_gb


def _how_to_take_away(disk: Disk) -> str:
    return (
        "unplug it"
        if disk.kind.usb
        else "disable it for the restore (in the BIOS or the RAID controller) and enable it again afterwards"
    )


def preflight(layout: Layout) -> Preflight:
    """Will a bare-metal restore of `layout` work: the verdict, the error Windows shows, the fix."""
    critical = sorted(layout.critical_disks, key=lambda d: -d.size_gb)
    if not critical:
        return Preflight(
            RestoreOutcome.FAILS,
            None,
            "the backup lists no critical disk (system or boot volume)",
            ("mark the disk(s) holding the system and boot volumes as critical",),
        )
    seen = [d for d in layout.target if not d.holds_backup]
    candidates = [d for d in seen if not d.exclude]
    notes = [f"{d.name} holds the backup: it is never a restore target" for d in layout.target if d.holds_backup]
    sticks = [d for d in candidates if d.kind is DiskKind.USB_FLASH]
    if sticks:
        names = ", ".join(d.name for d in sticks)
        return Preflight(
            RestoreOutcome.FAILS,
            GENERIC,
            f"the bootable USB stick ({names}) is attached, so the disk layout "
            "differs from the backup's: the restore counts it as a disk",
            (
                "remove the USB stick once WinRE has started (the restore no longer needs it), or "
                "boot from DVD/ISO instead",
            ),
            tuple(notes),
        )
    # Internal disks take the critical disks first, largest first; an extra USB disk is the one to unplug.
    disks = sorted(candidates, key=_preference)
    if len(disks) < len(critical):
        return Preflight(
            RestoreOutcome.FAILS,
            TOO_FEW,
            f"{len(critical)} critical disk(s) in the backup, only {len(disks)} usable disk(s) on the target",
            (f"add {len(critical) - len(disks)} disk(s) of at least {_gb(critical[len(disks) :])}",),
            tuple(notes),
        )
    pairs = list(zip(critical, disks))
    if layout.bios_boot_disk is not None:
        boot = next(d for d in layout.target if d.name == layout.bios_boot_disk)
        system = layout.system_disk
        assert system is not None  # Layout refuses bios_boot_disk without a system disk
        if boot not in disks:
            why = (
                "it holds the backup"
                if boot.holds_backup
                else "it is excluded"
                if boot.exclude
                else "it is not a disk the restore can use"
            )
            return Preflight(
                RestoreOutcome.FAILS,
                DATA_DISK_ACTIVE,
                f"the BIOS boots {boot.name}, but {why}: the original system "
                f"disk {system.name} has to go to the disk the BIOS boots",
                (
                    f"put the disk that should take {system.name} first in the BIOS boot order",
                    f"or, if {boot.name} holds nothing you keep, clean it with DiskPart (select disk, "
                    "clean) and let it take the system disk",
                ),
                tuple(notes),
            )
        if boot.size_gb < system.size_gb:
            return Preflight(
                RestoreOutcome.FAILS,
                BOOT_DISK_TOO_SMALL,
                f"the BIOS boots {boot.name} ({boot.size_gb:g} GB), smaller "
                f"than the original system disk {system.name} ({system.size_gb:g} GB)",
                (
                    f"put a disk of at least {system.size_gb:g} GB first in the BIOS boot order, or "
                    "replace the boot disk with a larger one",
                ),
                tuple(notes),
            )
        rest = [d for d in disks if d is not boot]
        pairs = [(system, boot), *zip((d for d in critical if d is not system), rest)]
    for original, target in pairs:
        if target.size_gb < original.size_gb:
            return Preflight(
                RestoreOutcome.FAILS,
                TOO_FEW,
                f"{target.name} ({target.size_gb:g} GB) is smaller than the original "
                f"{original.name} ({original.size_gb:g} GB); the target must be at least as large as "
                "the original disk, not just its data",
                (f"use a disk of at least {original.size_gb:g} GB for {original.name}",),
                tuple(notes),
            )
    taken = {t.name for _, t in pairs}
    spare = [d for d in disks if d.name not in taken]
    surplus = len(disks) - len(layout.backup)
    if surplus > 0:
        which = ", ".join(d.name for d in spare)
        pick = f"{surplus} of: {which}" if surplus < len(spare) else which
        return Preflight(
            RestoreOutcome.FAILS,
            GENERIC,
            f"the new server has {surplus} disk(s) more than the backup had ({which}); "
            "the field notes say the restore does not allow a disk layout that differs from the "
            "backup's (they show this error for a left-in USB stick)",
            (
                f"take away {pick}, as the field notes advise ('disable that one')",
                *(f"{d.name}: {_how_to_take_away(d)}" for d in spare),
            ),
            tuple(notes),
        )
    excluded = [d for d in seen if d.exclude]
    stand_ins = [d for d in excluded if d.kind is DiskKind.USB_FLASH] or (
        excluded if len(disks) + len(excluded) > len(layout.backup) else []
    )
    if stand_ins:
        names = ", ".join(d.name for d in stand_ins)
        return Preflight(
            RestoreOutcome.NOT_KNOWN,
            None,
            f"excluded instead of taken away: {names}. The disks left match the "
            "backup, but whether an excluded disk still counts against the layout is not known",
            tuple(f"to be sure, {_how_to_take_away(d)} ({d.name}), as the field notes do" for d in stand_ins),
            tuple(notes),
            (EXCLUDE_DOCUMENTED,),
            (
                "that excluding a stick or an extra disk avoids the layout failure: the field notes remove "
                "the stick and disable the extra disk, and no Microsoft page covers this case "
                "(the 'Exclude disks…' button of the 2008 R2 wizard is described only in walkthroughs)",
            ),
        )
    notes += [f"{d.name} is excluded: the restore leaves it untouched ({EXCLUDE_DOCUMENTED})" for d in excluded]
    if spare:
        notes.append(
            ", ".join(d.name for d in spare) + " may be repartitioned (-recreateDisks): exclude the ones "
            "whose data you keep (-excludeDisks:<IDs>)"
        )
    if layout.bios_boot_disk is None:
        notes.append(
            "BIOS boot disk not given: the disk first in the BIOS boot order must take the original system "
            "disk (else 0x80042406 or 0x80042407); set bios_boot_disk to check it"
        )
    return Preflight(
        RestoreOutcome.WORKS,
        None,
        "every critical disk has a target at least as large, and nothing else is in the way",
        (),
        tuple(notes),
    )


def preflight_attached(layout: Layout, attached: set[str], boot: str | None) -> Preflight | str:
    """The restore with only the `attached` target disks plugged in and `boot` first in the BIOS (what
    the restore panel shows). A string says why these choices do not fit together."""
    if boot is not None and boot not in attached:
        return f"the BIOS boot disk {boot} is not ticked as attached; tick it, or choose another BIOS boot disk"
    target = tuple(d for d in layout.target if d.name in attached)
    if any(d.holds_backup for d in layout.target) and not any(d.holds_backup for d in target):
        return Preflight(
            RestoreOutcome.FAILS,
            None,
            'no attached disk holds the backup: WinRE\'s "Select a system image backup" finds no image to restore',
            (
                "attach the disk that holds the backup (another USB port will do: the disk with the "
                "backup never counts in the layout)",
                "or restore from a network share (the wizard's Advanced button); the kit does not model that",
            ),
        )
    try:
        return preflight(Layout(layout.backup, target, boot))
    except LayoutError as err:
        return str(err)

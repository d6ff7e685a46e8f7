"""A disk-layout preflight for a Windows Server 2008 R2 system image (bare-metal) restore.

Rules (reference: case files §2): every disk that was critical at backup time needs a
target disk at least as large as the original disk (not just its data); the disk holding
the backup is never a target; any other attached disk, a bootable USB flash stick
included, counts as a candidate target and can make the restore fail with the generic
"The parameter is incorrect. (0x80070057)". Data disks to keep are excluded with
`wbadmin start sysrecovery … -recreateDisks -excludeDisks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GENERIC = "The system image restore failed. Error details: The parameter is incorrect. (0x80070057)"
TOO_FEW = "0x80042401: too few disks, or disks too small (on 2008 R2 often shown as 0x80070057)"


@dataclass(frozen=True)
class Disk:
    name: str
    size_gb: float
    kind: str = "disk"
    """'disk', 'usb-flash' (a bootable stick) or 'usb-hdd'."""
    holds_backup: bool = False
    critical: bool = False
    """In the backup: holds a system or boot volume."""
    exclude: bool = False
    """On the target: excluded from the restore (Exclude disks… / -excludeDisks)."""


@dataclass(frozen=True)
class Layout:
    backup: tuple[Disk, ...]
    target: tuple[Disk, ...]


@dataclass(frozen=True)
class Preflight:
    ok: bool
    error: str | None
    cause: str
    fixes: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        lines = [("RESTORE WILL WORK: " if self.ok else "RESTORE WILL FAIL: ") + self.cause]
        if self.error:
            lines.append(f"  error you will see: {self.error}")
        lines += [f"  fix: {fix}" for fix in self.fixes]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "error": self.error, "cause": self.cause, "fixes": list(self.fixes),
                "notes": list(self.notes)}


def preflight(layout: Layout) -> Preflight:
    critical = sorted((d for d in layout.backup if d.critical), key=lambda d: -d.size_gb)
    if not critical:
        return Preflight(False, None, "the backup lists no critical disk (system or boot volume)",
                         ("mark the disk(s) holding the system and boot volumes as critical",))
    candidates = [d for d in layout.target if not d.holds_backup and not d.exclude]
    sticks = [d for d in candidates if d.kind == "usb-flash"]
    notes = [f"{d.name} holds the backup: it is never a restore target" for d in layout.target if d.holds_backup]
    if sticks:
        names = ", ".join(d.name for d in sticks)
        return Preflight(False, GENERIC, f"the bootable USB stick ({names}) is attached, so the disk layout "
                         "differs from the backup's: the restore counts it as a disk",
                         ("remove the USB stick once WinRE has started (the restore no longer needs it), or "
                          "boot from DVD/ISO instead",
                          "or exclude it: Exclude disks… in the wizard, or wbadmin start sysrecovery … "
                          "-recreateDisks -excludeDisks:<its disk ID>"), tuple(notes))
    disks = sorted((d for d in candidates if d.kind != "usb-flash"), key=lambda d: -d.size_gb)
    if len(disks) < len(critical):
        return Preflight(False, TOO_FEW, f"{len(critical)} critical disk(s) in the backup, only {len(disks)} "
                         "usable disk(s) on the target",
                         (f"add {len(critical) - len(disks)} disk(s) of at least "
                          f"{', '.join(f'{d.size_gb:g} GB' for d in critical[len(disks):])}",), tuple(notes))
    for original, target in zip(critical, disks):
        if target.size_gb < original.size_gb:
            return Preflight(False, TOO_FEW, f"{target.name} ({target.size_gb:g} GB) is smaller than the original "
                             f"{original.name} ({original.size_gb:g} GB); the target must be at least as large as "
                             "the original disk, not just its data",
                             (f"use a disk of at least {original.size_gb:g} GB for {original.name}",), tuple(notes))
    extra = disks[len(critical):]
    if extra:
        notes.append("extra disk(s) " + ", ".join(d.name for d in extra) + " may be repartitioned: exclude the ones "
                     "whose data you keep (wbadmin … -recreateDisks -excludeDisks:<IDs>)")
    return Preflight(True, None, "every critical disk has a target at least as large, and nothing else is in the way",
                     (), tuple(notes))

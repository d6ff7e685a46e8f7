"""Issue 13, item 4: `labkit workshop make` and `labkit workshop report`, end to end on three
generated learners: notebooks and key written, each learner works in their own folder, the
report says who fixed what, in how many attempts, with which commands."""

from __future__ import annotations

import nbformat
import pytest

import labkit
from labkit.cli import main
from labkit.labs.workshop import NOTEBOOK, folder_name

LEARNERS = ["Ada Lovelace", "grace", "linus"]
KINDS = "missing-route,ftp-passive-range,case-dcdiag,2"


def test_make_then_report_end_to_end_on_three_learners(tmp_path, monkeypatch, capsys):
    names = tmp_path / "names.txt"
    names.write_text("# the room\n" + "\n".join(LEARNERS) + "\n\n", encoding="utf-8")
    out = tmp_path / "room"
    assert main(["workshop", "make", "--learners", str(names), "--kinds", KINDS, "--out", str(out)]) == 0
    assert "wrote 3 challenge notebooks" in capsys.readouterr().out
    key = (out / "answer-key.md").read_text(encoding="utf-8")
    for learner in LEARNERS:
        nb = nbformat.read(str(out / folder_name(learner) / NOTEBOOK), as_version=4)
        source = "\n".join(c.source for c in nb.cells)
        assert repr(learner) in source and "labkit.challenge('missing-route', seed=LEARNER)" in source
        lab = labkit.challenge("missing-route", seed=learner)
        assert f"## {learner}" in key and f"`{lab.fix[0]}`" in key
        assert lab.fix[0] not in source  # the answer is in the key only

    # Each learner works in their own folder: Ada fixes after one wrong try, grace once, linus never.
    for learner, tries in (("Ada Lovelace", ["route print"]), ("grace", []), ("linus", None)):
        monkeypatch.setenv("LABKIT_PROGRESS", str(out / folder_name(learner) / ".labkit-progress.json"))
        lab = labkit.challenge("missing-route", seed=learner)
        if tries is None:
            lab.check(["route print"])
            continue
        for wrong in tries:
            lab.check([wrong])
        assert lab.check(list(lab.fix)).passed
    capsys.readouterr()

    assert main(["workshop", "report", str(out)]) == 0
    report = capsys.readouterr().out.splitlines()
    row = {line.split()[0]: line for line in report if "missing-route" in line}
    assert set(row) == {"Ada", "grace", "linus"}
    assert (
        " yes " in row["Ada"]
        and " 2 " in row["Ada"]
        and labkit.challenge("missing-route", "Ada Lovelace").fix[0] in row["Ada"]
    )
    assert " yes " in row["grace"] and " 1 " in row["grace"]
    assert " no " in row["linus"]
    assert report[-1] == "2 of 3 challenges attempted were fixed"


@pytest.mark.parametrize(
    "argv, said",
    [
        (
            ["workshop", "make", "--learners", "{tmp}/none.txt", "--kinds", "1", "--out", "{tmp}/o"],
            "none.txt: cannot read it",
        ),
        (
            ["workshop", "make", "--learners", "{tmp}/names.txt", "--kinds", "nope", "--out", "{tmp}/o"],
            "--kinds: expected",
        ),
        (["workshop", "report", "{tmp}/missing"], "expected a folder"),
    ],
)
def test_bad_input_is_one_line_naming_what_was_expected(tmp_path, capsys, argv, said):
    (tmp_path / "names.txt").write_text("ada\nbob\n", encoding="utf-8")
    assert main([a.format(tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1


def test_a_learner_listed_twice_is_refused(tmp_path, capsys):
    (tmp_path / "names.txt").write_text("ada\nAda\n", encoding="utf-8")
    assert (
        main(
            [
                "workshop",
                "make",
                "--learners",
                str(tmp_path / "names.txt"),
                "--kinds",
                "1",
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 2
    )
    assert "appears twice" in capsys.readouterr().err


def test_the_hub_gives_each_learner_their_own_variant_through_labkit_learner(tmp_path, monkeypatch):
    import asyncio
    import types

    from labkit.course.catalogue.troubleshooting_lab import learner
    from labkit.workshop.hub import prepare_server
    from labkit.workshop.settings import settings_from_env

    settings = settings_from_env(
        {
            "WORKSHOP_PASSWORD": "learners-pw-123",
            "INSTRUCTOR_PASSWORD": "teacher-" + "x" * 40,
            "WORKSHOP_STATE": str(tmp_path / "state"),
            "WORKSHOP_FOLDERS": str(tmp_path / "learners"),
        }
    )
    spawner = types.SimpleNamespace(
        user=types.SimpleNamespace(name="ada"),
        environment={"KEEP": "1"},
        log=types.SimpleNamespace(info=lambda *a: None),
    )
    asyncio.run(prepare_server(spawner, settings))
    assert spawner.environment == {"KEEP": "1", "LABKIT_LEARNER": "ada"}
    assert (tmp_path / "learners" / "ada" / "08-troubleshooting-lab.ipynb").is_file()
    monkeypatch.setenv("LABKIT_LEARNER", "ada")
    assert learner() == "ada"
    assert labkit.challenge("missing-route", learner()).fix != labkit.challenge("missing-route", "grace").fix


def test_a_generated_notebook_runs_cell_by_cell(tmp_path, monkeypatch, capsys):
    names = tmp_path / "names.txt"
    names.write_text("Ada\n", encoding="utf-8")
    assert (
        main(
            [
                "workshop",
                "make",
                "--learners",
                str(names),
                "--kinds",
                "1,ftp-lb-affinity,case-restore",
                "--out",
                str(tmp_path / "room"),
            ]
        )
        == 0
    )
    monkeypatch.setenv("LABKIT_PROGRESS", str(tmp_path / "progress.json"))
    nb = nbformat.read(str(tmp_path / "room" / "ada" / NOTEBOOK), as_version=4)
    scope: dict = {}
    for cell in nb.cells:
        if cell.cell_type == "code":
            exec(cell.source, scope)  # noqa: S102 - the notebook the kit just wrote
    said = capsys.readouterr().out
    assert said.count("Ticket (") == 3 and said.count("[FAIL] no changes yet") == 2  # an empty console, [...]
    assert "[FAIL] no answer yet — answer one of: works" in said and "hint 1" not in said
    from labkit.course.store import load_progress

    assert load_progress().exercises == {}  # nothing handed in, no attempt counted

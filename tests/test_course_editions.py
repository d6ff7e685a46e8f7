"""The learner's path: answers read as typed, explanations only once right, the solution only after
a try, progress kept locally, and a student copy that never overwrites a learner's work."""

import json

import nbformat
import pytest

import labkit
from conftest import ROOT
from labkit.course import answers
from labkit.course.editions import copy_student_edition, stub_for, student_edition
from labkit.course.store import load_progress


@pytest.fixture
def progress_file(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("LABKIT_PROGRESS", str(path))
    return path


# --- answers as a learner types them (issue 10, item 4) -------------------------------------------


def test_a_disposition_typed_in_words_counts():
    read = answers.disposition()
    assert read("strong send blocked") == read("STRONG_SEND_BLOCKED") == read(" Strong-Send-Blocked ")


def test_names_typed_as_one_string_count_as_a_set():
    read = answers.names("pc1", "pc2", "pc3", "pc4")
    assert read("pc1, pc4") == read("PC4 pc1") == read({"pc1", "pc4"}) == read(["pc4", "pc1"])
    with pytest.raises(answers.AnswerFormatError, match="not one of the names here"):
        read("pc1, pc9")


@pytest.mark.parametrize("typed", ["٣", "1e400", True, float("inf"), float("nan"), "70000", -1, "x" * 5000])
def test_odd_numbers_get_a_format_message_not_a_crash(typed):
    with pytest.raises(answers.AnswerFormatError, match="expected"):
        answers.whole_number()(typed)


def test_a_wrong_format_says_which_format_is_expected(progress_file):
    feedback = labkit.course.check("01.3", 3)
    assert not feedback.passed and "expected one of 'nic1', 'nic2'" in str(feedback)
    assert "right so far" not in str(feedback)


def test_a_wrong_set_never_says_right_so_far(progress_file):
    from labkit.course.exercise import Exercise

    exercise = Exercise(
        "99.1",
        "demo",
        "answer_1 = {'pc1', 'pc4'}",
        hint="trace each PC",
        reader=answers.names("pc1", "pc2", "pc3", "pc4"),
        expected=lambda: {"pc1", "pc4"},
        why="w",
    )
    feedback = exercise.grade("pc1, pc2")
    assert not feedback.passed and "right so far" not in feedback.message
    assert "pc2 should not be there" in feedback.message and "1 missing" in feedback.message


# --- explanations and solutions (issue 10, items 2 and 3) ------------------------------------------


def test_the_explanation_appears_only_when_the_answer_is_right(progress_file):
    exercise = labkit.course.exercises()["01.3"]
    assert exercise.why not in str(labkit.course.check("01.3", "nic2"))
    assert exercise.why in str(labkit.course.check("01.3", "nic1"))


def test_the_solution_is_shown_only_after_a_wrong_attempt(progress_file):
    assert "try it once first" in labkit.course.solution("01.1")
    assert "not answered" in str(labkit.course.check("01.1", None))
    assert "try it once first" in labkit.course.solution("01.1")  # None is no attempt
    labkit.course.check("01.1", "ACCEPTED")
    shown = labkit.course.solution("01.1")
    assert 'answer_1 = "STRONG_SEND_BLOCKED"' in shown
    assert load_progress(progress_file).get("01.1").solution_shown


def test_progress_is_kept_in_a_local_file_and_reported(progress_file):
    labkit.course.check("00.1", "accepted")
    labkit.course.check("00.1", "strong send blocked")
    attempts = load_progress(progress_file).get("00.1")
    assert attempts.tries == 2 and attempts.passed
    report = str(labkit.course.progress())
    assert "1 of" in report and "00.1 ✔" in report and "00.2 –" in report


def test_a_damaged_progress_file_is_no_progress_not_an_error(progress_file):
    progress_file.write_text("{not json")
    assert "0 of" in str(labkit.course.progress())
    labkit.course.check("00.3", "private")
    assert json.loads(progress_file.read_text())["exercises"]["00.3"]["passed"] is True


def test_every_exercise_solution_passes_its_own_check(progress_file):
    for key, exercise in labkit.course.exercises().items():
        scope: dict = {}
        exec(exercise.solution, scope)  # noqa: S102 - the course's own solution text
        values = tuple(v for k, v in scope.items() if not k.startswith("__"))
        answer = values[0] if len(values) == 1 else values
        assert labkit.course.check(key, answer).passed, key


def test_the_catalogue_solutions_are_the_instructor_notebooks_solutions():
    by_key = labkit.course.exercises()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        for n, cell in enumerate(cells):
            if "solution" in cell.metadata.get("tags", []) and "labkit.course.check(" in cells[n + 1].source:
                key = cells[n + 1].source.split('"')[1]
                assert by_key[key].solution == cell.source.strip(), (path.name, key)


# --- editions (issue 10, items 1 and 2) -----------------------------------------------------------


def test_stubs_cover_tuples_annotations_and_functions():
    stub = stub_for("a, b = 1, 2\nc: int = 3\ndef fix(net):\n    return net\n")
    assert stub.splitlines()[1:] == ["a = None", "b = None", "c = None", "fix = None"]


def test_no_student_notebook_shows_an_explanation_or_a_solution():
    catalogue = labkit.course.exercises().values()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        student = student_edition(nbformat.read(path, as_version=4))
        text = json.dumps([c.source for c in student.cells])
        code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
        for exercise in catalogue:
            if exercise.why:
                assert exercise.why not in text, (path.name, exercise.key)
            assert exercise.solution not in code, (path.name, exercise.key)


def test_the_student_copy_never_overwrites_a_learners_work(tmp_path):
    source = ROOT / "notebooks"
    first = copy_student_edition(source, tmp_path)
    assert "00-start-here.ipynb" in first.written and not first.kept
    mine = tmp_path / "00-start-here.ipynb"
    nb = nbformat.read(mine, as_version=4)
    nb.cells[0].source = "my notes"
    nbformat.write(nb, mine)
    again = copy_student_edition(source, tmp_path)
    assert not again.written and "00-start-here.ipynb" in again.kept and not again.updates
    assert nbformat.read(mine, as_version=4).cells[0].source == "my notes"
    assert not list(tmp_path.glob("* (course update).ipynb"))


def test_a_private_external_address_is_never_right_so_far(progress_file):
    wrong = labkit.course.check("05.2", ("192.168.1.32", True))
    assert not wrong.passed and "192.168.1.32" not in wrong.message.split("still wrong")[0]
    assert "right so far: the passive range is forwarded" in wrong.message
    half = labkit.course.check("05.2", ("193.211.10.27", False))
    assert "right so far: the server announces 193.211.10.27" in half.message
    assert "write the address as text" in labkit.course.check("05.2", (193, True)).message
    assert not labkit.course.check("05.2", (None, None)).answered

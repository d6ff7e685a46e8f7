"""Re-execute the course notebooks in place and strip widget state (`make notebooks`).

Committed notebooks must carry their outputs (nbval compares them) but no
`metadata.widgets`, whose model ids change on every run.
"""

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KERNEL = "python3"


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    # A fresh progress file per notebook, as nbval runs it (tests/conftest.py): outputs match.
    os.environ["LABKIT_PROGRESS"] = str(Path(tempfile.mkdtemp(prefix="labkit-progress-")) / "progress.json")
    NotebookClient(nb, kernel_name=KERNEL, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)


def main(paths: list[str]) -> int:
    targets = [Path(p) for p in paths] or sorted(Path("notebooks").glob("*.ipynb"))
    for n, path in enumerate(targets, 1):
        print(f"[{n}/{len(targets)}] executing {path} ...", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

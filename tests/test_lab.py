"""`make lab` serves JupyterLab on the start notebook (headless, on loopback only)."""

import json

from conftest import get, running_lab


def test_make_lab_serves_the_start_notebook(tmp_path):
    with running_lab(tmp_path) as (base, token):
        status, headers, _ = get(f"{base}/?token={token}")
        assert status == 302
        assert "/lab/tree/notebooks/00-start-here.ipynb" in headers["Location"]
        status, _, body = get(f"{base}/api/contents/notebooks/00-start-here.ipynb?token={token}&content=0")
        assert status == 200 and json.loads(body)["type"] == "notebook"
        status, _, body = get(f"{base}/lab/tree/notebooks/00-start-here.ipynb?token={token}")
        assert status == 200 and b"JupyterLab" in body

"""Widget panels (ipywidgets 8): toggles for the real settings, redrawn at once.

Each panel collects settings and shows what `labkit.views` computes for them; the same
functions can be called in a plain cell to print (and check) the result.
"""

from .cases import DcdiagPanel, RestorePanel
from .compare import ComparePanel
from .console import Console
from .ftp_explorer import FtpExplorer
from .host import HostPanel
from .step_through import StepThrough

__all__ = ["ComparePanel", "Console", "DcdiagPanel", "FtpExplorer", "HostPanel", "RestorePanel", "StepThrough"]

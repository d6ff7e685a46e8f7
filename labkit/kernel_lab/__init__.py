"""The kernel lab: an FTP scenario rebuilt in Linux network namespaces with nftables and the
kernel's own FTP helper, a real pyftpdlib server and ftplib client, compared with the model.

Needs Linux, root, iproute2, nftables and tcpdump; loads nothing until used.
"""

from .netns import LabError, requirements_problem

__all__ = ["LabError", "requirements_problem"]

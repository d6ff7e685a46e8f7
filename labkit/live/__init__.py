"""Real FTP on 127.0.0.1: a pyftpdlib server and an ftplib client, for checking the model.

Loads pyftpdlib, pyOpenSSL and trustme only when used (the `live` extra).
"""

from .ftp import LiveServer, local_ftp_server, run_client, transcript_codes

__all__ = ["LiveServer", "local_ftp_server", "run_client", "transcript_codes"]

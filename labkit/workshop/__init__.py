"""A class on one machine: `make workshop` serves the course to a room through JupyterHub.

`settings` reads and checks what the instructor sets (addresses, passwords, folders),
`hub` turns those settings into JupyterHub configuration (used by workshop/jupyterhub_config.py),
`serve` starts the hub and brings everything down with it, `client` logs learners in (tests and
`make bench-workshop`), `bench` is the load test.
"""

# JupyterHub configuration for `make workshop` (one machine, a room of learners).
# Everything comes from environment variables the instructor sets; see docs/workshop.md.
# Started by `python -m labkit.workshop serve`, which checks the settings first.
from labkit.workshop.hub import configure
from labkit.workshop.settings import settings_from_env

configure(get_config(), settings_from_env())  # noqa: F821 (get_config is JupyterHub's)

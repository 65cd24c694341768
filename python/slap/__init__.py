"""slap's Python helper: what runs the Python code of SlapOS profiles for slap (see
bridge.py). Installed with slap in LIBDIR/slap/python/."""

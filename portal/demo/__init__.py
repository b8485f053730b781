"""The demo: accounts, workspaces, reports, the public site and the resource
library that `manage.py load_demo` builds, in one app.

It sits on top of every other app: it may import any of them, and none
imports it, so a portal without the demo loses nothing but its sample data.
The texts are data (``data/``), the steps are code (``steps/``).
"""

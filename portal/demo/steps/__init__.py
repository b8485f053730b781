"""The steps of `manage.py load_demo`, one module each. Every step can run
again on a loaded demo: it looks objects up by a stable key (email, slug,
title) and only creates what is missing."""

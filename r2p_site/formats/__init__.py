"""Date formats where Django's own for a language do not suit the site (FORMAT_MODULE_PATH).

Django falls back to its own locale formats for anything not set here.
"""

#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The command line is the developer's tool: development settings unless told
    # otherwise. Production sets DJANGO_DEBUG=0 (README "Production"); the web server
    # (config.wsgi) never defaults to debug.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""The ``techmayor`` console entry point: a thin front over Django's management commands.

``techmayor demo``, ``techmayor import universities FILE``, ``techmayor scorecard …`` and every
Django command (``techmayor migrate``, ``techmayor runserver`` …) go through here.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmayor.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "techmayor"
    # ``techmayor import KIND FILE`` maps onto the command ``import_data KIND FILE``
    # (``import`` is a Python keyword and cannot name a command module).
    if len(argv) > 1 and argv[1] == "import":
        argv[1] = "import_data"
    # ``techmayor api-token USERNAME`` is the command ``api_token``.
    if len(argv) > 1 and argv[1] == "api-token":
        argv[1] = "api_token"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

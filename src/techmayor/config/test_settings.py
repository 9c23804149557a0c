"""Settings for the test suite: the real settings with a fast password hasher."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; Argon2 is configured in settings
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
HUEY = {**HUEY, "immediate": True}  # noqa: F405  jobs run in-process, at once (in memory)
# No test sees an index built by `make run` in var/: tests that need one build it in a temporary directory.
MATCHING_INDEX_DIR = str(VAR_DIR / "test-no-index")  # noqa: F405
# Tests follow the real calendar whatever the developer's environment or var/ pins (they pin with
# override_settings), and a demo built by a test never pins the developer's installation.
TECHMAYOR_TODAY = None
DEMO_TODAY_FILE = VAR_DIR / "test-demo_today"  # noqa: F405

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
# Rolled-back tests reuse ids, so cached figures would leak between them; tests of the cache turn it on.
FIGURE_CACHE_SECONDS = 0
DEMO_TODAY_FILE = VAR_DIR / "test-demo_today"  # noqa: F405

# TEST_JOBS_ON_REDIS=1 (set by .ci/run with REDIS_URL): tests/matchmaking/test_jobs_on_redis.py hands jobs to a
# real worker process through huey's Redis storage. The worker must see the test database, so on SQLite
# it is a file; the queue has a name of its own so that no other worker on that Redis takes its jobs.
if env.bool("TEST_JOBS_ON_REDIS", default=False):  # noqa: F405
    if not REDIS_URL:  # noqa: F405
        raise ImproperlyConfigured("TEST_JOBS_ON_REDIS needs REDIS_URL")  # noqa: F405
    HUEY["name"] = f"techmayor-test-{os.getpid()}"  # noqa: F405
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
        DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-jobs-{os.getpid()}.sqlite3")}  # noqa: F405

# Browser tests load the pages' scripts from the live server: whitenoise serves them from the finders
# (as under DEBUG), since a clean checkout has nothing collected in STATIC_ROOT.
WHITENOISE_USE_FINDERS = True

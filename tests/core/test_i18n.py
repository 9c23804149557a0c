"""The English translation: msgids are Chinese, `src/techmayor/locale/en` turns them into English.

Regenerate the catalogue with `make messages` after adding or changing a `_()` string, and fill in
every new msgstr: the last tests fail while any entry is untranslated or fuzzy.
"""

import ast
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from techmayor.enterprises.models import Enterprise
from techmayor.needs.choices import NeedState
from techmayor.needs.models import Need
from techmayor.roster.choices import TenureRole
from techmayor.roster.models import Tenure

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"


def test_locale_is_configured():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)
    assert PO.is_file()
    assert PO.with_suffix(".mo").is_file(), "run `make messages` to compile the catalogue"


def test_verbose_names_and_choice_labels_in_english():
    with translation.override("en"):
        assert str(Need._meta.verbose_name) == "Enterprise need"
        assert str(NeedState.PUBLISHED.label) == "Published"
        assert str(Enterprise._meta.get_field("credit_code").verbose_name) == "Unified social credit code"
        assert str(Tenure._meta.get_field("local_post").verbose_name) == "Local post"
        assert str(Tenure._meta.get_field("dispatch_unit").verbose_name) == "Dispatching unit"
        assert str(TenureRole.LEADER.label) == "Group leader"
        assert str(TenureRole.DEPUTY.label) == "Deputy leader"
        assert str(Need._meta.get_field("is_bottleneck").verbose_name) == "Chokepoint"


def test_verbose_names_and_choice_labels_in_chinese():
    with translation.override("zh-hans"):
        assert str(Need._meta.verbose_name) == "企业需求"
        assert str(NeedState.PUBLISHED.label) == "已发布"
        assert str(Enterprise._meta.get_field("credit_code").verbose_name) == "统一社会信用代码"
        assert str(Tenure._meta.get_field("local_post").verbose_name) == "挂职职务"
        assert str(TenureRole.LEADER.label) == "团长"


@pytest.mark.django_db
def test_admin_index_lists_apps_in_english(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    html = response.content.decode()
    for name in ("Work ledger", "Innovation resources", "Town-Mayor Group roster", "Reference data"):
        assert name in html
    assert "工作台账" not in html


@pytest.mark.django_db
def test_admin_index_lists_apps_in_chinese(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作台账" in html
    assert "Work ledger" not in html


def _po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry but the header; a plural entry's msgstr is its forms
    joined by newlines, empty when any form is empty."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        fuzzy, key = False, None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if fields.get("msgid"):
            if "msgid_plural" in fields:
                forms = [v for k, v in sorted(fields.items()) if k.startswith("msgstr[")]
                msgstr = "\n".join(forms) if forms and all(f.strip() for f in forms) else ""
            else:
                msgstr = fields.get("msgstr", "")
            entries.append((fields["msgid"], msgstr, fuzzy))
    return entries


def test_po_has_every_string_translated():
    entries = _po_entries(PO)
    assert len(entries) > 300
    untranslated = [msgid for msgid, msgstr, _ in entries if not msgstr.strip()]
    fuzzy = [msgid for msgid, _, is_fuzzy in entries if is_fuzzy]
    assert not untranslated, f"untranslated msgids (fill them in, then `make messages`): {untranslated}"
    assert not fuzzy, f"fuzzy entries (review them and remove the flag): {fuzzy}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_po_compiles_cleanly():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr

"""The Russian catalogue is complete and its compiled form is committed."""

import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES"


def entries(text):
    """(msgid, [msgstr, …], flags) of each entry after the header; strings
    continued on following lines are joined."""
    for block in text.split("\n\n")[1:]:
        fields, current, flags = {}, None, []
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.append(line)
            elif match := re.match(
                r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) "(.*)"$', line
            ):
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if "msgid" in fields:
            yield fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], flags


def test_every_string_has_a_russian_translation():
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    untranslated = [
        msgid
        for msgid, msgstrs, flags in entries(text)
        if not all(msgstrs) or any("fuzzy" in f for f in flags)
    ]
    assert untranslated == []


def test_committed_mo_file_matches_the_po_file(tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (Debian package gettext) is needed to check the catalogue"
    compiled = tmp_path / "django.mo"
    subprocess.run(
        [msgfmt, "--check", "-o", str(compiled), str(CATALOGUE / "django.po")], check=True
    )
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes()

"""The stand-alone verifier partners are given (docs/exchange/verify_release.py)
agrees with the portal: it accepts what the portal signed, follows an endorsed
rotation, and refuses a changed byte or a key nobody pinned."""

import subprocess
import sys
from pathlib import Path

from portal.exchange import keys, outgoing, signing

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "exchange" / "verify_release.py"


def verify(tmp_path, data, pinned):
    (tmp_path / "release.json").write_bytes(data)
    (tmp_path / "keys.json").write_bytes(signing.canonical(keys.keys_document()))
    return subprocess.run(
        [
            sys.executable,
            SCRIPT,
            tmp_path / "release.json",
            tmp_path / "keys.json",
            # "--key=…": a key id may begin with "-" (base64url), which
            # argparse would take for an option after a space.
            f"--key={pinned}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_partners_verifier_accepts_a_signed_release_and_refuses_a_changed_one(
    tmp_path, release, agreement
):
    pinned = keys.active_key()[0].kid
    data = outgoing.signed_document(outgoing.current_event(release), agreement[0])[0]
    accepted = verify(tmp_path, data, pinned)
    assert accepted.returncode == 0, accepted.stderr
    assert f"OK: release {release.number} version 1 (published)" in accepted.stdout
    assert "45 records" in accepted.stdout

    changed = data.replace(b'"total":45', b'"total":46')
    assert changed != data
    refused = verify(tmp_path, changed, pinned)
    assert refused.returncode == 1
    assert "signature does not match" in refused.stderr


def test_the_partners_verifier_follows_an_endorsed_rotation_only(tmp_path, release, agreement):
    pinned = keys.active_key()[0].kid
    keys.rotate()
    data = outgoing.signed_document(outgoing.current_event(release), agreement[0])[0]
    assert signing.read_envelope(data)["signature"]["kid"] != pinned
    assert verify(tmp_path, data, pinned).returncode == 0
    # Signed by a key the portal never published: refused.
    stranger = signing.sign_payload(
        signing.read_envelope(data)["payload"], signing.new_private_key()
    )
    refused = verify(tmp_path, stranger, pinned)
    assert refused.returncode == 1
    assert "do not trust" in refused.stderr

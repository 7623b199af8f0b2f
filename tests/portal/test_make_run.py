"""`make run` (issue 12): the portal runs without Chromium (only the browser tests need it) and on PORT=…."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def dry_run():
    if shutil.which("make") is None:
        pytest.fail("make is not installed (Debian package make)")
    return subprocess.run(["make", "-n", "run", "PORT=9123"], cwd=ROOT, capture_output=True, text=True, check=True,
                          timeout=60).stdout


def test_make_run_serves_on_the_port_given(dry_run):
    assert "runserver 127.0.0.1:9123" in dry_run


def test_make_run_installs_no_browser(dry_run):
    assert "--test" not in dry_run and "test-deps" not in dry_run and "playwright" not in dry_run
    script = (ROOT / "scripts" / "system_deps.sh").read_text()
    chromium_line = next(line for line in script.splitlines() if "need+=(chromium)" in line)
    assert script.index('if [ "${1:-}" = "--test" ]') < script.index(chromium_line)  # only with --test

"""Every audit action the code writes has a Chinese name, so the audit log never shows a code."""

import re
from pathlib import Path

import pytest

from portal.audit_labels import action_label, all_actions

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r"""action=["']([a-z_]+\.[a-z_]+)["']""")
ASCII_WORD = re.compile(r"[A-Za-z_]{2,}")


def _written_actions() -> set[str]:
    found = set()
    for app in ("portal", "pool", "criteria", "matching", "finance"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found.update(LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


#: Actions the code builds from a status (f-strings), with an example of each.
BUILT = ("application.criterion_overridden", "application.criterion_justified", "membership.graduated",
         "membership.removed", "appeal.upheld", "appeal.rejected", "subsidy.approved", "loan.overdue",
         "application.county_approved", "match.deal")


def test_every_literal_action_in_the_code_has_a_chinese_label():
    actions = _written_actions() | set(BUILT)
    assert "user.login" in actions and "application.created" in actions
    missing = sorted(a for a in actions if a not in all_actions())
    assert not missing, f"audit actions without a label in <app>/audit_labels.py: {missing}"
    for action in actions:
        assert not ASCII_WORD.search(action_label(action).replace("GB/T", "")), action


@pytest.mark.django_db
def test_the_audit_page_shows_labels_not_codes(client):
    from portal.models import AuditEntry
    from tests.factories import user_with_role

    city = user_with_role("city", "420200")
    AuditEntry.objects.create(action="application.county_approved", actor_name="审核员", region_id="420202")
    client.force_login(city)
    text = client.get("/portal/audit/").content.decode()
    assert "申报状态变更为“县级审核通过”" in text
    assert "application.county_approved" not in text

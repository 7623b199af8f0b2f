"""A trademark application must not pass as a registration: the number is the certificate's (digits, G for an
international registration), and the registration date, required on submission, is not after today."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pool.validation import field_errors

NUMBER = "trademarks.0.registration_no"
DAY = "trademarks.0.registered_on"


def mark(**fields) -> dict:
    return {"trademarks": [{"registration_no": "38765432", "name": "黄芯", "owned": True, "used_on_products": True,
                            "registered_on": "2020-03-14", **fields}]}


@pytest.mark.parametrize("number", ["38765432", "1", "123456789", "G1234567", "g 1234567", "3876 5432"])
def test_registration_numbers_pass(number):
    assert NUMBER not in field_errors(mark(registration_no=number), complete=True)


@pytest.mark.parametrize("number", ["TMZC38765432ZCSL01", "1234567890", "申请中", "38765432A", "ZC38765432"])
def test_an_application_document_number_is_refused_at_the_field(number):
    message = field_errors(mark(registration_no=number))[NUMBER]
    assert "受理通知书上的申请文号不是注册号" in message


def test_the_registration_date_is_required_on_submission_not_while_drafting():
    assert field_errors(mark(registered_on=""), complete=True)[DAY] == "此项为必填项。"
    assert DAY not in field_errors(mark(registered_on=""))


def test_a_registration_date_after_today_is_an_application_still_pending():
    today = timezone.localdate()
    assert DAY not in field_errors(mark(registered_on=today.isoformat()))
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert field_errors(mark(registered_on=tomorrow))[DAY] == "注册日期不能晚于今天；尚未核准注册的商标不能填报。"


def test_the_validity_cannot_end_before_the_registration():
    errors = field_errors(mark(registered_on="2020-03-14", valid_to="2020-03-13"))
    assert errors["trademarks.0.valid_to"] == "截止日期不能早于起始日期。"

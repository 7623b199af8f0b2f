"""Implausible figures are caught at their field, in Chinese, before any arithmetic (and cheaply)."""

import pytest

from pool.validation import field_errors


@pytest.mark.parametrize(("path", "value", "message"), [
    ("identity.employees", "1" * 40, "人数过大，请核对。"),
    ("identity.employees", "10000000", "人数过大，请核对。"),
    ("identity.revenue", "1" + "0" * 40, "金额过大，请核对（单位：元）。"),
    ("identity.revenue", "1e30", "请直接填写数字，不要使用科学计数法（如 1e30）。"),
    ("identity.total_assets", "1E+5", "请直接填写数字，不要使用科学计数法（如 1e30）。"),
    ("identity.revenue", "-1", "不能为负数。"),
    ("identity.revenue", "12.345", "金额最多保留两位小数（单位：元）。"),
    ("identity.registration_date", "1850-01-01", "日期应在 1949-10-01 至 2100-12-31 之间，请核对。"),
    ("rnd.rnd_staff", "9" * 2000, "人数过大，请核对。"),
])
def test_implausible_values_are_refused_at_the_field(path, value, message):
    section, name = path.split(".")
    assert field_errors({section: {name: value}})[path] == message


@pytest.mark.parametrize(("path", "value"), [
    ("identity.employees", "9999999"), ("identity.revenue", "99,999,999,999,999.99"),
    ("identity.revenue", "86000000"), ("identity.registration_date", "1949-10-01"),
    ("products.0.profit", "-2500000.50"),
])
def test_plausible_values_at_the_bounds_pass(path, value):
    parts = path.split(".")
    data = {parts[0]: [{parts[2]: value}]} if parts[1].isdigit() else {parts[0]: {parts[1]: value}}
    assert path not in field_errors(data)


def test_a_million_digit_exponent_is_refused_as_text():
    errors = field_errors({"identity": {"employees": "1e1000000", "revenue": "1e10000000"}})
    assert errors["identity.employees"].startswith("请直接填写数字")
    assert errors["identity.revenue"].startswith("请直接填写数字")

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import user_with_role

DATA = Path(__file__).resolve().parent.parent / "data" / "matching"
SUPPLY_HEADER = ("patent_id,application_no,patent_type,title,abstract,ipc_main,ipc_other,holder,holder_type,"
                 "legal_status,offer_type,price_yuan,industry_chain")


@pytest.fixture
def supplier_user(db):
    return user_with_role("supplier", "420200")


@pytest.fixture
def dev_data():
    return DATA


def csv_upload(text: str, name: str = "patents.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def dev_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes(), content_type="text/csv")


def buffer(data: bytes, name: str):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.fixture
def catalogue(db):
    """The development set imported through the services: 975 patents under one supplier, 50 demands of one
    enterprise, nothing matched yet."""
    from matching.services.imports import demand_import, supply_import

    supplier = user_with_role("supplier", "420200")
    enterprise = user_with_role("enterprise", "420202")
    for service, owner, actor, name in ((supply_import, {"supplier": supplier.organisation}, supplier, "patents.csv"),
                                        (demand_import, {"enterprise": enterprise.organisation}, enterprise,
                                         "demands.csv")):
        report = service(**owner, actor=actor, upload=dev_file(name), queue_matching=False)
        assert report.ok, report.errors[:3]
    return {"supplier": supplier.organisation, "supplier_user": supplier, "enterprise": enterprise.organisation,
            "enterprise_user": enterprise}

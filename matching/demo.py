"""Demo data of matching: the development set's patents under three suppliers (universities under the demo
supplier, institutes and SOEs under two others), two demands of the demo enterprise, then a full run."""

import csv
import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import Organisation, OrganisationKind, User

from .choices import CooperationMode
from .models import Demand
from .services.demands import demand_create
from .services.imports import SUPPLY_COLUMNS, supply_import
from .services.runs import match_all

DEV_PATENTS = Path(settings.BASE_DIR) / "tests" / "data" / "matching" / "patents.csv"
DEMO_SUPPLIER = "湖北理工学院技术转移中心"
OTHER_SUPPLIERS = {
    "科研院所": ("宜昌市科技成果转化服务中心", "420500"),
    "国有企业": ("华楚重型装备集团技术转移部", "420200"),
}
# Used when the development set is not present: a few patents in the same layout.
SAMPLE = """patent_id,application_no,patent_type,title,abstract,ipc_main,ipc_other,holder,holder_type,legal_status,offer_type,price_yuan,industry_chain
S001,201910000001.9,发明,一种铝合金压铸件气孔控制方法,采用真空压铸与局部挤压相结合，抽真空度低于50kPa，减少压铸件内部气孔和缩松，压铸件气密性试验合格率提高到98%以上。,B22D17/14,B22D17/32,磁湖理工学院,高校,有效,转让,180000,铸造
S002,201920000002.9,实用新型,一种压铸模具局部挤压装置,在压铸模具厚大部位设置挤压油缸，在金属液凝固过程中补缩，消除厚壁处的缩孔，适用于电机壳体等铝合金压铸件。,B22D17/22,,磁湖理工学院,高校,有效,许可,60000,铸造
S003,201810000003.3,发明,一种激光视觉引导的焊缝自动跟踪方法,采用线结构光传感器采集焊缝截面，实时修正焊枪位置，适用于中厚板多层多道焊，焊缝偏差控制在0.3mm以内。,B23K9/127,G06T7/00,鄂楚智能装备研究院,科研院所,有效,开放许可,30000,智能制造
S004,201710000004.3,发明,一种仓储AGV多车调度方法,基于时间窗的路径规划与冲突消解，多台AGV在窄巷道仓库内协同搬运，搬运效率提高35%。,G05D1/02,B65G1/137,华楚重型装备集团有限公司,国有企业,有效,作价入股,500000,智能制造
"""
DEMANDS = [
    {"reference": "DEMO-1", "title": "电机壳压铸后打压漏气",
     "description": "我们的电机壳是铝合金压铸的，加工以后表面冒小孔，打压试验漏气，废品率高，想找能从根本上解决的工艺。",
     "industry_chain": "铸造", "budget": 300000, "cooperation_mode": CooperationMode.ANY},
    {"reference": "DEMO-2", "title": "焊接工人难招想上自动焊",
     "description": "结构件焊缝长、坡口不齐，工人手工焊质量不稳定，想上焊接机器人但担心焊缝对不准。",
     "industry_chain": "智能制造", "budget": 500000, "cooperation_mode": CooperationMode.LICENCE},
]


def _supplier(name: str, region: str) -> Organisation:
    supplier, _ = Organisation.objects.get_or_create(kind=OrganisationKind.SUPPLIER, name=name,
                                                     defaults={"region_id": region})
    return supplier


def _csv_file(header: list[str], rows: list[dict], name: str) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def _import_patents(stdout) -> None:
    text = DEV_PATENTS.read_text(encoding="utf-8") if DEV_PATENTS.exists() else SAMPLE
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    admin = User.objects.get(username="demo_admin")
    owners = {"高校": (_supplier(DEMO_SUPPLIER, "420200"), User.objects.get(username="demo_supplier"))}
    owners.update({kind: (_supplier(name, region), admin) for kind, (name, region) in OTHER_SUPPLIERS.items()})
    for kind, (supplier, actor) in owners.items():
        part = [r for r in rows if r["holder_type"] == kind]
        report = supply_import(supplier=supplier, actor=actor, queue_matching=False,
                               upload=_csv_file(reader.fieldnames or [c.key for c in SUPPLY_COLUMNS], part,
                                                f"{kind}.csv"))
        stdout.write(f"供给专利（{supplier.name}）：{report.summary()}")


def _demands() -> None:
    user = User.objects.get(username="demo_enterprise")
    for data in DEMANDS:
        if not Demand.objects.filter(enterprise=user.organisation, reference=data["reference"]).exists():
            demand_create(enterprise=user.organisation, actor=user, **data)


def seed(stdout) -> None:
    _import_patents(stdout)
    _demands()
    run = match_all()
    stdout.write(f"供需匹配：{run.message}")

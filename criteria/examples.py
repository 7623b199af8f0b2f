"""A complete, eligible application's facts: the OpenAPI example, the demo, the tests' and benchmark's base."""

from stdnum.cn import uscc as stdnum_uscc

EXAMPLE_USCC_BODY = "91420202MA49EXM0Q"
EXAMPLE_USCC = EXAMPLE_USCC_BODY + stdnum_uscc.calc_check_digit(EXAMPLE_USCC_BODY)

EXAMPLE_FACTS = {
    "identity": {
        "name": "黄石示范智能装备有限公司", "uscc": EXAMPLE_USCC, "region_code": "420202", "legal_form": "company",
        "registration_date": "2016-05-18", "industry_code": "C3973", "employees": 180, "revenue": "86000000.00",
        "total_assets": "120000000.00",
    },
    "qualifications": [
        {"type": "high_tech", "level": "national", "certificate_no": "GR202342001234", "valid_from": "2023-12-08",
         "valid_to": "2026-12-07"},
    ],
    "patents": [
        {"application_no": "201910123456.7", "title": "一种晶圆级封装结构", "patent_type": "invention", "granted": True,
         "valid": True, "ownership": "owned", "used_in_product": True},
        {"application_no": "202020234567.1", "title": "一种散热模组", "patent_type": "utility_model", "granted": True,
         "valid": True, "ownership": "owned", "used_in_product": True},
        {"application_no": "202110345678.X", "title": "一种引线框架", "patent_type": "invention", "granted": True,
         "valid": True, "ownership": "licensed_in", "licence_kind": "exclusive", "licence_from": "2022-01-01",
         "licence_to": "2031-12-31", "used_in_product": True},
        {"application_no": "202230456789.2", "title": "控制器外壳", "patent_type": "design", "granted": True,
         "valid": True, "ownership": "owned", "used_in_product": False},
    ],
    "products": [
        {"name": "功率器件封装模组", "core_patents": ["201910123456.7", "202020234567.1"],
         "filing_no": "BA2023420001234", "sales": "52000000.00", "profit": "7800000.00", "patent_intensive": True},
    ],
    "trademarks": [
        {"registration_no": "38765432", "name": "黄芯", "owned": True, "used_on_products": True,
         "registered_on": "2020-03-14", "valid_to": "2030-03-13"},
    ],
    "rnd": {
        "rnd_expense": "9300000.00", "rnd_staff": 46, "total_staff": 180, "leader_name": "周建华",
        "cooperations": [
            {"partner": "湖北理工学院", "partner_type": "university", "valid_from": "2023-03-01",
             "valid_to": "2026-02-28", "agreement_attached": True},
        ],
    },
    "ip_management": {
        "system": True, "organisation": True, "personnel": True, "safeguard": True,
        "evidence": "《知识产权管理制度》、知识产权部设立文件、专职人员 2 名、年度经费预算",
        "gbt29490_certified": True, "gbt29490_certificate_no": "165IP230456R0M",
    },
    "integrity": {"declared": True, "note": ""},
}

from portal.navigation import nav

NAV_GROUP = "申报审核"

NAV_ITEMS = [
    nav("入库标准", "criteria:set-list", "enterprise county city province bank supplier admin", order=40),
    nav("名单核查", "criteria:list-entries", "county city province admin", order=70),
    nav("名单导入", "criteria:list-imports", "city province admin", order=71),
]

from .navigation import nav

NAV_GROUP = "系统"

NAV_ITEMS = [
    nav("首页", "home", "enterprise county city province bank supplier admin", order=0, group=None),
    nav("绩效指标", "portal:kpi-dashboard", "county city province admin", order=70, group="统计"),
    nav("绩效目标", "portal:kpi-targets", "city province", order=71, group="统计"),
    nav("账号管理", "portal:staff-list", "city province admin", order=80),
    nav("机构", "portal:organisation-list", "county city province admin", order=85),
    nav("操作日志", "portal:audit-list", "city province admin", order=90),
    nav("系统管理", "admin:index", "admin", order=95),
]

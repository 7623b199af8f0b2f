"""The matching app's audit actions in Chinese (collected by ``portal.audit_labels``)."""

from .choices import MatchStatus

ACTIONS = {
    "deal.recorded": "登记成交",
    "digest.unsubscribed": "退订每周匹配推送",
    "digest.preference_updated": "修改每周推送设置",
    "deal.received_updated": "更新到账金额",
    "demand.created": "发布技术需求",
    "demand.updated": "修改技术需求",
    "demand.imported": "导入技术需求",
    "demand.reopened": "重新开放技术需求",
    "matching_run.requested": "发起匹配运行",
    "matching_run.finished": "匹配运行完成",
    "matchmaking_event.created": "创建对接活动",
    "matchmaking_event.invited": "邀请参加对接活动",
    "supply_patent.created": "登记供给专利",
    "supply_patent.updated": "修改供给专利",
    "supply_patent.imported": "导入供给专利",
    "supply_patent.listed": "发布供给专利",
    "supply_patent.dormancy_refreshed": "更新沉睡专利标记",
    "match.introduction_requested": "申请与对方对接",
    "match.introduction_accepted": "同意对接",
    "match.introduction_brokered": "主管部门促成对接",
    **{f"match.{status}": f"匹配状态变更为“{label}”" for status, label in MatchStatus.choices},
}

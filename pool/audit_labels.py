"""The pool's audit actions in Chinese (collected by ``portal.audit_labels``)."""

from .models import ApplicationStatus

ACTIONS = {
    "application.created": "创建申报草稿",
    "application.patents_imported": "导入专利清单",
    "application.batch_review": "批量审核",
    "attachment.uploaded": "上传附件",
    "attachment.removed": "删除附件",
    "batch.created": "创建申报批次",
    "batch.updated": "修改申报批次",
    "batch.city_quota_set": "设置市级推荐名额",
    "batch.city_quota_removed": "取消市级推荐名额",
    "batch.criteria_set_adopted": "批次采用入库标准新版本",
    "batch.scoring_queued": "发起批量评分",
    "membership.admitted": "入库",
    "membership.follow_up_started": "转入接续培育",
    "membership.milestone_recorded": "登记接续培育节点",
    "lifecycle.evaluated": "出库退库评估",
    "lifecycle.evaluation_queued": "发起出库退库评估",
    "lifecycle_proposal.proposed": "县级提议出库/退库",
    "lifecycle_proposal.dismissed": "县级不予提议出库/退库",
    "lifecycle_proposal.approved": "市级同意出库/退库",
    "lifecycle_proposal.declined": "市级不同意出库/退库",
    "appeal.filed": "企业提出申诉",
    "misconduct.recorded": "登记违规失信情形",
    "misconduct.list_hits_recorded": "名单导入命中入库企业",
    "membership.reinstated": "申诉成立，恢复培育",
    **{f"application.{status}": f"申报状态变更为“{label}”" for status, label in ApplicationStatus.choices},
}

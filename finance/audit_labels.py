"""The financing app's audit actions in Chinese (collected by ``portal.audit_labels``)."""

from .models.feedback import LoanStatus
from .models.subsidies import SubsidyStatus

ACTIONS = {
    "finance_draft.created": "建立质押融资政策修订草案",
    "finance_draft.updated": "修改质押融资政策修订草案",
    "finance_draft.published": "发布质押融资政策修订草案",
    "finance_draft.discarded": "作废质押融资政策修订草案",
    "finance_simulation.started": "发起白名单规则模拟测算",
    "financing_need.declared": "申报融资需求",
    "financing_need.withdrawn": "撤回融资需求",
    "consent.given": "同意向银行提供信息",
    "consent.replaced": "更新信息提供授权",
    "consent.revoked": "撤回信息提供授权",
    "whitelist.generation_started": "发起白名单生成",
    "whitelist.generated": "生成白名单草稿",
    "whitelist.discarded": "废弃白名单草稿",
    "whitelist.candidate_excluded": "将企业移出白名单草稿",
    "whitelist.candidate_included": "将企业恢复至白名单草稿",
    "publication.published": "发布白名单",
    "publication.downloaded": "下载白名单",
    "bank_case.contacted": "银行登记已联系企业",
    "bank_case.credit_granted": "银行登记授信",
    "bank_feedback.imported": "银行导入反馈",
    "loan.issued": "银行登记放款",
    "pledge.registered": "登记质押",
    "lookup.run": "银行名单双向查询",
    "subsidy.submitted": "企业申请贴息补贴",
    "risk_claim.submitted": "银行申请风险补偿",
    "risk_claim.approved": "批准风险补偿",
    "risk_claim.rejected": "驳回风险补偿",
    "risk_fund.deposit": "风险补偿资金注入",
    **{f"subsidy.{status}": f"补贴申请状态变更为“{label}”" for status, label in SubsidyStatus.choices},
    **{f"loan.{status}": f"贷款状态变更为“{label}”" for status, label in LoanStatus.choices},
}

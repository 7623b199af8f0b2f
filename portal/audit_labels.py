"""What each audit action means, in Chinese, collected from every app's ``<app>/audit_labels.py`` (``ACTIONS``).

An app names its own actions, so the audit log never shows a code such as ``application.county_approved``; a test
scans the code for every ``action="…"`` and fails on one without a label here.
"""

from __future__ import annotations

from functools import cache

from .plugins import app_modules

ACTIONS = {
    "organisation.registered": "机构注册",
    "user.created": "创建用户",
    "user.activated": "启用用户",
    "user.login": "登录",
    "user.login_failed": "登录失败",
    "user.logout": "退出登录",
    "user.password_changed": "修改密码",
    "user.password_reset": "通过邮箱重设密码",
    "user.unlocked": "解除登录锁定",
    "user.locked": "登录锁定（多次输错密码）",
    "api_token.issued": "签发接口令牌",
    "api_token.revoked": "吊销接口令牌",
    "personal_data.revealed": "查看完整联系方式",
    "user.otp_enrolled": "启用两步验证",
    "user.otp_failed": "两步验证码错误",
    "user.otp_reset": "重置两步验证",
    "user.deactivated": "停用用户",
    "export.created": "导出文件",
    "access.denied": "访问被拒绝（无权限或不在范围内）",
    "file.downloaded": "下载文件",
    "application.viewed": "查看申报",
    "kpi.target_set": "设置绩效目标",
    "kpi.targets_imported": "导入绩效目标",
    "kpi.report_built": "生成季度绩效报告",
}


@cache
def all_actions() -> dict[str, str]:
    labels: dict[str, str] = {}
    for module in app_modules("audit_labels"):
        labels.update(getattr(module, "ACTIONS", {}))
    return labels


#: Who acted when no person did: the name the services give, as the audit log shows it.
ACTORS = {"system": "系统（自动任务）", "manage.py": "系统（命令行）", "celery": "系统（后台任务）"}


def actor_label(name: str) -> str:
    return ACTORS.get(name, name) or "—"


def action_label(action: str) -> str:
    """The Chinese name of an audit action; an unknown one reads as 「其他操作」 rather than as its code."""
    return all_actions().get(action, "其他操作")

"""The criteria app's audit actions in Chinese (collected by ``portal.audit_labels``)."""

ACTIONS = {
    "criteria_list.imported": "导入名单",
}

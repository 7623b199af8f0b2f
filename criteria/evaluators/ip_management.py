"""Criterion 9: an IP management system covering 制度、机构、人员、保障; GB/T 29490 certification is strong evidence."""

from __future__ import annotations

from .common import FAIL, MANUAL, PASS, Context

PARTS = (("system", "制度"), ("organisation", "机构"), ("personnel", "人员"), ("safeguard", "保障"))


def ip_management(ctx: Context):
    ip = ctx.facts.ip_management
    missing = [label for name, label in PARTS if getattr(ip, name) is not True]
    certified = ip.gbt29490_certified is True
    evidence = {"missing": missing, "gbt29490_certified": certified, "certificate_no": ip.gbt29490_certificate_no,
                "evidence": ip.evidence[:200]}
    if missing and certified:
        text = f"缺少{'、'.join(missing)}，但声明已通过 GB/T 29490 认证，二者矛盾，请审核人员核实"
        return ctx.result(9, "ip_management", MANUAL, text, evidence)
    if missing:
        return ctx.result(9, "ip_management", FAIL, f"知识产权管理体系缺少：{'、'.join(missing)}", evidence)
    if certified:
        number = f"（证书 {ip.gbt29490_certificate_no}）" if ip.gbt29490_certificate_no else ""
        text = f"制度、机构、人员、保障齐备；已通过 GB/T 29490 认证{number}，为有力佐证"
        return ctx.result(9, "ip_management", PASS, text, evidence)
    if ip.evidence:
        return ctx.result(9, "ip_management", PASS, "制度、机构、人员、保障齐备，并附有佐证说明", evidence)
    text = "制度、机构、人员、保障均已勾选，但未说明佐证材料，请审核人员查看附件"
    return ctx.result(9, "ip_management", MANUAL, text, evidence)

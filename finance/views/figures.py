"""质押融资统计 — pledge amount and project count per region and period, with year-on-year growth."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from ..figures import LEVELS, PERIODS, pledge_figures, totals
from ..forms import FigureForm
from .common import BUREAUS, require_role


def figure_params(data) -> dict:
    """The figures' arguments from a query string (page and API alike), with sensible defaults."""
    form = FigureForm(data or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    return {"period": cleaned.get("period") or "year", "level": cleaned.get("level") or "city",
            "since": cleaned.get("since") or date(today.year - 2, 1, 1), "until": cleaned.get("until") or today}


@login_required
def figures_view(request):
    require_role(request, BUREAUS)
    params = figure_params(request.GET)
    rows = pledge_figures(user=request.user, **params)
    return render(request, "finance/figures.html", {
        "form": FigureForm(initial=params, data=request.GET or None), "rows": rows, "totals": totals(rows),
        "period_label": PERIODS[params["period"]][0], "level_label": LEVELS[params["level"]][0], **params})

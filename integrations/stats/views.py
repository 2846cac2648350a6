"""Staff statistics: the page with SVG charts, its CSV export and ``GET api/admin/stats``.

Thin: filters are parsed and the report computed by integrations.stats.selectors.
"""

import csv
import datetime as dt

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsStaff
from bookit.errors import ValidationFailed
from integrations.stats import charts
from integrations.stats.selectors import (
    WEEKDAYS,
    StatsFilters,
    StatsReport,
    parse_filters,
    report_as_dict,
    stats_report,
)
from reservations.policy import get_policy
from seats.models import Floor
from tickets.models import Ticket


def _today() -> dt.date:
    return timezone.localtime(timezone.now(), get_policy().tz).date()


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _charts(report: StatsReport) -> dict:
    days = report.by_day
    return {
        "by_day": charts.bar_chart(
            [(day.strftime("%d.%m"), ratio) for day, _b, _a, ratio in days],
            max_value=charts.ratio_scale_top([ratio for *_rest, ratio in days]),
            value_format=_percent,
            every_nth_label=-(-len(days) // 15),
        ),
        "heatmap": charts.heatmap(
            report.heatmap,
            [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
        ),
        "members": charts.bar_chart(report.bookings_per_member, value_format=lambda v: str(int(v))),
        "tickets": charts.bar_chart(
            list(report.tickets_by_status.items()), value_format=lambda v: str(int(v))
        ),
    }


@staff_member_required
def stats_page(request: HttpRequest) -> HttpResponse:
    errors: dict = {}
    try:
        filters = parse_filters(request.GET, today=_today())
    except ValidationFailed as exc:
        errors = exc.errors
        filters = parse_filters({}, today=_today())
    report = stats_report(filters)
    labels = dict(Ticket.Status.choices)
    chart_data = _charts(report)
    context = {
        "report": report,
        "filters": filters,
        "errors": errors,
        "floors": Floor.objects.all(),
        "charts": chart_data,
        "heatmap_peak": round(chart_data["heatmap"]["peak"] * 100),
        "median_resolve": _duration(report.median_resolve_hours),
        "tickets": [
            (labels.get(status, status), count)
            for status, count in report.tickets_by_status.items()
        ],
        "occupancy_percent": round(report.occupancy * 100),
        "no_show_percent": None
        if report.no_show_rate is None
        else round(report.no_show_rate * 100),
    }
    return render(request, "integrations/stats.html", context, status=400 if errors else 200)


def _duration(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 1:
        return _("%(n)d min") % {"n": round(hours * 60)}
    return _("%(n)s h") % {"n": f"{hours:.1f}"}


def _cell(value) -> str:
    """Spreadsheet-safe text: a value starting with = + - @ would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_rows(report: StatsReport) -> list[tuple[str, str, str]]:
    """Long format (section, key, value): one file holds every table of the page."""
    f: StatsFilters = report.filters
    rows: list[tuple[str, str, str]] = [
        ("summary", "period_start", f.start.isoformat()),
        ("summary", "period_end", f.end.isoformat()),
        ("summary", "floor", f.floor.name if f.floor else "all"),
        ("summary", "seats", str(report.seats_in_scope)),
        ("summary", "booked_hours", f"{report.booked_hours:.2f}"),
        ("summary", "available_hours", f"{report.available_hours:.2f}"),
        ("summary", "occupancy", f"{report.occupancy:.4f}"),
        ("summary", "reservations", str(report.reservations)),
        ("summary", "checked_in", str(report.checked_in)),
        ("summary", "no_shows", str(report.no_shows)),
        ("summary", "cancelled", str(report.cancelled)),
        (
            "summary",
            "no_show_rate",
            "" if report.no_show_rate is None else f"{report.no_show_rate:.4f}",
        ),
        (
            "summary",
            "median_resolve_hours",
            "" if report.median_resolve_hours is None else f"{report.median_resolve_hours:.2f}",
        ),
    ]
    for day, booked, _available, ratio in report.by_day:
        rows.append(("occupancy_by_day", day.isoformat(), f"{ratio:.4f}"))
        rows.append(("booked_hours_by_day", day.isoformat(), f"{booked:.2f}"))
    for w, row in enumerate(report.heatmap):
        for h, value in enumerate(row):
            if value is not None:
                rows.append(("occupancy_by_hour", f"{WEEKDAYS[w]} {h:02d}:00", f"{value:.4f}"))
    for usage in report.seats:
        rows.append(("seat_hours", f"{usage.floor} / {usage.label}", f"{usage.hours:.2f}"))
    for label, members in report.bookings_per_member:
        rows.append(("bookings_per_member", label, str(members)))
    for status, count in report.tickets_by_status.items():
        rows.append(("tickets", status, str(count)))
    return rows


@staff_member_required
def stats_export_csv(request: HttpRequest) -> HttpResponse:
    try:
        filters = parse_filters(request.GET, today=_today())
    except ValidationFailed as exc:
        messages = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.errors.items())
        return HttpResponse(messages, status=400, content_type="text/plain; charset=utf-8")
    report = stats_report(filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bookit-stats-{filters.start}-{filters.end}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["section", "key", "value"])
    for section, key, value in csv_rows(report):
        writer.writerow([section, _cell(key), value])
    return response


class StatsAPIView(APIView):
    """Staff: the statistics of a period (default: the last 30 days) and optional floor."""

    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, description="YYYY-MM-DD, first day"),
            OpenApiParameter(
                "end", OpenApiTypes.DATE, description="YYYY-MM-DD, last day (inclusive)"
            ),
            OpenApiParameter("floor", int, description="floor id"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        filters = parse_filters(request.query_params, today=_today())
        return Response(report_as_dict(stats_report(filters)))

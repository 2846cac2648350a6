from django.urls import re_path

from reservations.api import (
    blocks,
    colleagues,
    desk_views,
    seat_views,
    series_views,
    views,
    waitlist_views,
)

urlpatterns = [
    re_path(r"^seat/?$", seat_views.SeatListView.as_view(), name="seats"),
    re_path(r"^seat/(?P<pk>[0-9]{1,18})/?$", seat_views.SeatDetailView.as_view(), name="seat"),
    re_path(r"^seat/(?P<pk>[0-9]{1,18})/qr/?$", desk_views.SeatQRView.as_view(), name="seat-qr"),
    re_path(
        r"^seat/by-token/(?P<token>[^/]{1,200}?)/?$",
        desk_views.SeatByTokenView.as_view(),
        name="seat-by-token",
    ),
    re_path(
        r"^seat/by-token/(?P<token>[^/]{1,200})/checkin/?$",
        desk_views.SeatByTokenCheckInView.as_view(),
        name="seat-by-token-checkin",
    ),
    re_path(
        r"^seat/by-token/(?P<token>[^/]{1,200})/walkin/?$",
        desk_views.SeatByTokenWalkInView.as_view(),
        name="seat-by-token-walkin",
    ),
    re_path(r"^reservations/series/?$", series_views.SeriesListView.as_view(), name="series-list"),
    re_path(
        r"^reservations/series/(?P<pk>[0-9]{1,18})/?$",
        series_views.SeriesDetailView.as_view(),
        name="series",
    ),
    re_path(r"^waitlist/?$", waitlist_views.WaitlistListView.as_view(), name="waitlist"),
    re_path(
        r"^waitlist/(?P<pk>[0-9]{1,18})/?$",
        waitlist_views.WaitlistDetailView.as_view(),
        name="waitlist-entry",
    ),
    re_path(
        r"^waitlist/(?P<pk>[0-9]{1,18})/accept/?$",
        waitlist_views.WaitlistAcceptView.as_view(),
        name="waitlist-accept",
    ),
    re_path(
        r"^waitlist/(?P<pk>[0-9]{1,18})/decline/?$",
        waitlist_views.WaitlistDeclineView.as_view(),
        name="waitlist-decline",
    ),
    re_path(
        r"^seat/(?P<pk>[0-9]{1,18})/favourite/?$",
        colleagues.SeatFavouriteView.as_view(),
        name="seat-favourite",
    ),
    re_path(r"^colleagues/?$", colleagues.ColleagueListView.as_view(), name="colleagues"),
    re_path(r"^reservations/?$", views.ReservationListView.as_view(), name="reservations"),
    re_path(
        r"^reservations/(?P<pk>[0-9]{1,18})/?$",
        views.ReservationDetailView.as_view(),
        name="reservation",
    ),
    re_path(
        r"^reservations/(?P<pk>[0-9]{1,18})/cancel/?$",
        views.ReservationCancelView.as_view(),
        name="reservation-cancel",
    ),
    re_path(
        r"^reservations/(?P<pk>[0-9]{1,18})/qr/?$",
        views.ReservationQRView.as_view(),
        name="reservation-qr",
    ),
    re_path(
        r"^admin/reservations/?$",
        views.AdminReservationListView.as_view(),
        name="admin-reservations",
    ),
    re_path(
        r"^admin/reservation/create/?$",
        views.AdminReservationCreateView.as_view(),
        name="admin-reservation-create",
    ),
    re_path(
        r"^admin/reservation/(?P<pk>[0-9]{1,18})/?$",
        views.AdminReservationDetailView.as_view(),
        name="admin-reservation",
    ),
    re_path(r"^admin/seat_blocks/?$", blocks.SeatBlockListView.as_view(), name="seat-blocks"),
    re_path(
        r"^admin/seat_blocks/(?P<pk>[0-9]{1,18})/?$",
        blocks.SeatBlockDetailView.as_view(),
        name="seat-block",
    ),
    re_path(
        r"^admin/check_qr/(?P<reservation_id>[0-9]{1,18})/?$",
        views.AdminCheckQRView.as_view(),
        name="admin-check-qr",
    ),
]

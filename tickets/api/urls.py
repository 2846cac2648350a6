from django.urls import re_path

from tickets.api import views

# Trailing slash optional, as the existing frontend calls both forms.
urlpatterns = [
    re_path(r"^ticket/?$", views.TicketCreateView.as_view(), name="ticket-create"),
    re_path(r"^ticket/my/?$", views.MyTicketListView.as_view(), name="ticket-my"),
    re_path(r"^ticket/(?P<pk>[0-9]{1,18})/?$", views.MyTicketDetailView.as_view(), name="ticket"),
    re_path(r"^admin/tickets/?$", views.AdminTicketListView.as_view(), name="admin-tickets"),
    re_path(
        r"^admin/ticket/(?P<pk>[0-9]{1,18})/status/?$",
        views.AdminTicketStatusView.as_view(),
        name="admin-ticket-status",
    ),
]

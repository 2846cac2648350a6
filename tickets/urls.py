from django.urls import path

import bookit.converters  # noqa: F401  registers <id:…>
from tickets import views

app_name = "tickets"
urlpatterns = [
    path("tickets/", views.ticket_list, name="list"),
    path("tickets/new/", views.ticket_new, name="new"),
    path("tickets/<id:pk>/", views.ticket_detail, name="detail"),
]

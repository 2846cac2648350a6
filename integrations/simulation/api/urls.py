from django.urls import re_path

from integrations.simulation.api import views

urlpatterns = [
    re_path(r"^simulation/control/?$", views.SimulationControlView.as_view(), name="control"),
]

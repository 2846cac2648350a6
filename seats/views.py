from django.shortcuts import render


def home(request):
    """The landing page; the floor map (issue 5) takes over for logged-in members."""
    return render(request, "seats/landing.html")

"""The privacy pages a data subject reads."""

from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def notice(request):
    """The privacy notice: what we collect, why, for how long, and the subject's rights."""
    return render(request, "compliance/notice.html")

"""The question form's endpoints; none of them is cached.

The section page is cached whole, so its form carries no CSRF token nor
start time: ``form_token`` (a small fetch on page load) sets the csrftoken
cookie and hands both over. A reader without JavaScript posts a form with
neither: ``ask`` then shows the form again on an uncached page, their text
kept, with a fresh token, and the next post goes through.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from news.models import SectionPage

from . import spam
from .forms import QuestionForm
from .models import takes_questions


@never_cache
@require_GET
def form_token(request):
    """A fresh CSRF token (and cookie) and fill-time stamp for a cached page."""
    return JsonResponse({"csrf": get_token(request), "started": spam.issue_stamp()})


def _section(request, pk) -> SectionPage:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    section = get_object_or_404(
        SectionPage.objects.live().public(), pk=pk, locale__language_code=get_language()
    )
    if not takes_questions(section):
        raise Http404
    return section


def _csrf_failed(request) -> bool:
    """Django's own CSRF check, run here so a failure redisplays the form."""
    check = CsrfViewMiddleware(lambda r: None)
    return check.process_view(request, None, (), {}) is not None


def _form_page(request, section, form, message="", status=200):
    form.initial["started"] = spam.issue_stamp()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["started"] = form.initial["started"]
    get_token(request)
    return render(
        request,
        "questions/ask.html",
        {"page": section, "form": form, "message": message},
        status=status,
    )


@never_cache
@csrf_exempt  # checked in the view: a failure keeps the reader's text
@require_http_methods(["GET", "POST"])
def ask(request, section_id):
    section = _section(request, section_id)
    if request.method == "GET":
        return _form_page(request, section, QuestionForm())
    form = QuestionForm(request.POST)
    if _csrf_failed(request) or spam.filled_too_fast(request.POST.get("started", "")):
        form.is_valid()
        return _form_page(
            request,
            section,
            form,
            _("Please check your question and send it again."),
            status=400,
        )
    if request.POST.get("website"):
        # A bot filled the honeypot: it is thanked and nothing is kept.
        return render(request, "questions/thanks.html", {"page": section})
    if not form.is_valid():
        return _form_page(request, section, form, status=400)
    if spam.over_limit(spam.client_address(request)):
        return _form_page(
            request,
            section,
            form,
            _("Too many questions from your address. Please try again later."),
            status=429,
        )
    question = form.save(commit=False)
    question.section = section
    question.address = spam.client_address(request)
    question.save()
    return render(request, "questions/thanks.html", {"page": section})

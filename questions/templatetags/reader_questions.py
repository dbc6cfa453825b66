from django import template

from questions.forms import QuestionForm
from questions.models import Question, takes_questions

register = template.Library()

ANSWERS_SHOWN = 20


@register.inclusion_tag("questions/desk.html", takes_context=True)
def reader_questions(context, page):
    """The form and the answers, on the questions section (cached with it:
    the form has no token until ask.js fetches one)."""
    # The request's generation: asking the cache again cost every section page
    # a Redis round trip.
    if not takes_questions(page, context.get("request")):
        return {"shown": False}
    answered = Question.objects.public().filter(section=page).order_by("-answered_at")
    return {
        "shown": True,
        "page": page,
        "form": QuestionForm(),
        "answered": list(answered[:ANSWERS_SHOWN]),
    }

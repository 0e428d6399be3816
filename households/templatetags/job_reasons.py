from django import template

from households.jobs import job_reason as _job_reason

register = template.Library()


@register.filter
def job_reason(stored: str) -> str:
    """A job's stored failure reason in the reader's language (households.jobs.job_reason)."""
    return _job_reason(stored or "")

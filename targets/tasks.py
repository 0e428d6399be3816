from celery import shared_task

from . import services


@shared_task(name="targets.task_reminders_send_task", acks_late=True)
def task_reminders_send_task() -> int:
    """Daily (beat, 07:00): e-mail agencies their tasks due within 7 days and overdue.

    Safe to run twice: a ReminderLog per agency and day makes the second run send nothing.
    """
    return services.task_reminders_send(today=services.reminder_today())

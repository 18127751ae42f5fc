"""Running queued tasks in tests, as the worker (`manage.py db_worker`) does."""

from django_tasks import TaskContext


def run_queued(queue) -> list[str]:
    """Run the queued tasks in order, as `db_worker` does: a task that raises is
    reported as failed, not raised; their outcomes."""
    outcomes = []
    for result in list(queue.results):
        try:
            outcomes.append(run(result))
        except Exception as error:
            outcomes.append(f"failed: {type(error).__name__}")
    queue.clear()
    return outcomes


def run(result):
    """Run one queued task as the worker does, with its context if it takes one."""
    context = [TaskContext(task_result=result)] if result.task.takes_context else []
    return result.task.call(*context, *result.args, **result.kwargs)

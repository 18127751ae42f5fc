"""Running queued tasks in tests, as the worker (`manage.py db_worker`) does."""


def run_queued(queue) -> list[str]:
    """Run the queued tasks in order, as `db_worker` does: a task that raises is
    reported as failed, not raised; their outcomes."""
    outcomes = []
    for result in list(queue.results):
        try:
            outcomes.append(result.task.call(*result.args, **result.kwargs))
        except Exception as error:
            outcomes.append(f"failed: {type(error).__name__}")
    queue.clear()
    return outcomes

"""The production log format: one JSON object per line, which a log collector reads
without guessing where a message or a traceback ends."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id (RequestIdFilter's, None outside a
    request) and, when there is one, the exception's traceback as text."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # ASCII with escapes: a newline or any script in a message stays on its line,
        # whatever the encoding of the stream.
        return json.dumps(entry, default=str)

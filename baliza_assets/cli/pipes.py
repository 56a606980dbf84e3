"""A command whose reader goes away (``baliza query ... | head``) stops quietly, as a shell expects."""

from __future__ import annotations

import functools
import os
import sys

CLOSED = 141  # 128 + SIGPIPE: what a shell reports for a writer whose reader closed the pipe


def quiet_when_closed(main):
    """Wrap ``main`` so that a closed standard output ends it with exit status 141 and no traceback
    (nor a message at exit when Python flushes what is left)."""
    @functools.wraps(main)
    def run(*args, **kwargs):
        try:
            code = main(*args, **kwargs)
            sys.stdout.flush()
            return code
        except BrokenPipeError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # what is still buffered goes nowhere at exit
            return CLOSED
    return run

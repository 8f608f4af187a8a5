"""``python -m threadscope`` and the ``threadscope`` command start here.

Nothing but ``sys`` (always loaded) is imported before the ``try``, so Ctrl-C
while the command line is still loading gives the same one line and exit code
130 as later on.
"""

import sys


def _redeliver_interrupt(unraisable: "sys.UnraisableHookArgs") -> None:
    """Send again a Ctrl-C that CPython had to swallow; anything else goes to the default hook.

    A KeyboardInterrupt raised inside a weakref callback (the import system's
    module locks have one) cannot propagate: CPython prints "Exception
    ignored" with a traceback and carries on, and the run then finished with
    exit 0 as if Ctrl-C had never been pressed. Interrupting the main thread
    again lets it land at the next ordinary line, where ``cli.main`` turns it
    into one line and exit code 130. This is the command's process, not the
    library: the hook is set only here.
    """
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        import _thread
        import threading

        # From another thread, a moment later: ``signal.raise_signal`` or
        # ``_thread.interrupt_main`` called here raise at once, inside this hook,
        # and the interrupt is swallowed again.
        later = threading.Timer(0.05, _thread.interrupt_main)
        later.daemon = True
        later.start()
        return
    sys.__unraisablehook__(unraisable)


def main() -> None:
    """Load the command line and run it."""
    sys.unraisablehook = _redeliver_interrupt
    try:
        from threadscope.cli import main as run
    except KeyboardInterrupt:
        import os

        sys.stderr.write("threadscope: error: interrupted\n")
        sys.stderr.flush()
        os._exit(130)  # not SystemExit: see threadscope.cli._exit_interrupted
    run()


if __name__ == "__main__":
    main()

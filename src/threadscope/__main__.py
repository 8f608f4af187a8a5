"""``python -m threadscope`` and the ``threadscope`` command start here.

Nothing is imported before the ``try``, so Ctrl-C while the command line is
still loading gives the same one line and exit code 130 as later on.
"""


def main() -> None:
    """Load the command line and run it."""
    try:
        from threadscope.cli import main as run
    except KeyboardInterrupt:
        import os
        import sys

        sys.stderr.write("threadscope: error: interrupted\n")
        sys.stderr.flush()
        os._exit(130)  # not SystemExit: see threadscope.cli._exit_interrupted
    run()


if __name__ == "__main__":
    main()

# threadscope: `make demo` sets everything up and analyses a thread; `make test` sets up and runs the tests.
# Both are idempotent: setup reruns only when pyproject.toml or requirements.lock change.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SAMPLE := ../shared/data/hn/items/27145911.json
# The saved 200-comment thread when ../shared/data is beside the project; a live HN id elsewhere.
SPEC   ?= $(if $(wildcard $(SAMPLE)),$(SAMPLE),24330326)
BROWSER := /usr/bin/chromium

.PHONY: setup demo test browser clean

setup: $(STAMP)

# torch first, pinned, so pip takes the CPU build and never the CUDA one;
# requirements.lock pins everything else (torch==2.13.0 included).
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/threadscope analyze thread $(SPEC)

# Headless Chromium (Debian's package) renders report.html in the browser test.
browser: $(BROWSER)
$(BROWSER):
	@if [ "$$(id -u)" = 0 ]; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core) >/dev/null; \
	else echo "Chromium is missing: run 'sudo apt-get install chromium' for the browser test"; fi

test: $(STAMP) browser
	$(PY) -m pytest

clean:
	rm -rf $(VENV) build src/*.egg-info

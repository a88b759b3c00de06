# The two commands: `make run` (the whole system, with demo data) and `make test` (the suite).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Four test processes on two cores: the suite waits on servers (Temporal, PostgreSQL, S3,
# Chromium) most of the time (three processes used 119 % of the 200 % and took 10 min 57 s);
# worksteal hands the long fault and browser tests to whichever process is free.
PYTEST_ARGS ?= -n 4 --dist worksteal

.PHONY: run test install system-deps messages

# PostgreSQL binaries for the throw-away test cluster, Chromium for the browser tests, and
# pango with the DejaVu fonts (Latin, Cyrillic, Georgian) for WeasyPrint's embassy letters,
# from the distribution where missing.
system-deps:
	@if ! ldconfig -p | grep -q libpangoft2-1.0 || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
		echo "installing pango and fonts for the letters"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; \
	fi
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "installing PostgreSQL for the test cluster"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing Chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/homeward run

test: $(STAMP) system-deps
	$(PY) -m pytest $(PYTEST_ARGS)

# Extract the interface's messages, update core/locale/*/messages.po, list what is missing.
messages: $(STAMP)
	$(PY) -m core.messages

# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres install browser oidc-provider html-validator lrs db content clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

db: install
	$(FLASK) db upgrade

content: db
	$(FLASK) content sync

## make run: install, migrate, import content/, load the demo force into an empty database, serve on :5000
run: content
	$(FLASK) demo load --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

## make test: install what the tests need (Chromium from Debian when we can), scan with bandit, run the suite in
## one process per processor (at most four; each has a database of its own): TEST_PROCESSES=0 runs it in this one
TEST_PROCESSES ?= auto
test: install browser oidc-provider html-validator lrs
	$(BIN)/bandit --quiet --recursive lms --severity-level medium
	$(BIN)/pytest --numprocesses $(TEST_PROCESSES) --maxprocesses 4 --dist worksteal

# Browser tests drive Debian's Chromium; install it when we are root on Debian, otherwise they skip (or fail under CI).
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# The real OpenID Connect provider the sign-on tests run (oidc-provider, from npm): installed again only when
# node_modules is missing or the lock file changed.
OIDC_PROVIDER := tests/oidc
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package.json $(OIDC_PROVIDER)/package-lock.json
	cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

oidc-provider: $(OIDC_PROVIDER)/node_modules/.installed

# The Nu HTML Checker (vnu-jar, from npm; runs on Java) that checks every page the browser journeys visit:
# installed again only when node_modules is missing or the lock file changed.
HTML_VALIDATOR := tests/vnu
$(HTML_VALIDATOR)/node_modules/.installed: $(HTML_VALIDATOR)/package.json $(HTML_VALIDATOR)/package-lock.json
	cd $(HTML_VALIDATOR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

html-validator: $(HTML_VALIDATOR)/node_modules/.installed


# The real learning record store the xAPI tests send to (Ralph, from the package index), in a virtualenv of its own
# so its dependencies never meet ours: made again only when its requirements change.
LRS := tests/lrs
$(LRS)/.venv/.installed: $(LRS)/requirements.txt
	$(PYTHON) -m venv $(LRS)/.venv
	$(LRS)/.venv/bin/pip install --quiet -r $(LRS)/requirements.txt
	touch $@

lrs: $(LRS)/.venv/.installed

clean:
	rm -rf $(VENV) instance .pytest_cache $(OIDC_PROVIDER)/node_modules $(HTML_VALIDATOR)/node_modules $(LRS)/.venv

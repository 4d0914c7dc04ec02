# One entry point for students, instructors and CI. Every target depends on the venv,
# so `make test` and `make demo` work on a fresh clone with nothing else done first.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export OPENBLAS_NUM_THREADS ?= 1
export KERAS_BACKEND ?= numpy

.PHONY: install test lint bench bench-grading demo clean release autograde feedback grades report lab lab-instructor \
	student-bundle source sync-given bwrap browser time-limits

install: $(STAMP) bwrap browser

# autograde runs student code in a bubblewrap sandbox (docs/instructor.md); installed here when root with apt-get
bwrap:
	@command -v bwrap >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq bubblewrap; else \
		echo "autograde needs bubblewrap: install it (Debian/Ubuntu: sudo apt-get install bubblewrap)" \
		"or grade with --no-sandbox on a throwaway machine"; fi; }

# the browser test of the student lab (tests/test_student_lab.py) drives Debian's chromium with playwright; Japanese
# fonts make its screenshots readable. Installed here when root with apt-get.
browser:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi ipa || { if [ "$$(id -u)" = 0 ] && \
		command -v apt-get >/dev/null; then apt-get update -qq && apt-get install -y -qq chromium fonts-ipafont-gothic; \
		else echo "the browser test needs chromium (Debian/Ubuntu: sudo apt-get install chromium fonts-ipafont-gothic)"; fi; }

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: install lint
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) tests/bench_conv1d.py
	$(PY) tests/bench_training.py

# 30 copies of the reference submission autograded in parallel, and serially (docs/benchmarks.md)
bench-grading: $(STAMP)
	$(PY) tests/bench_grading.py

# The instructor pipeline (docs/instructor.md). demo: release, the generated demo class, autograde, feedback, grades,
# the class report (its path printed last).
# Short sandbox limits for the demo: its hostile-infinite-loop student would otherwise run 20 minutes.
demo: $(STAMP) bwrap
	$(PY) -m autograde.build.release
	$(PY) -m autograde.demo_class.make_submissions
	CNN1D_SANDBOX_LIMITS='{"cell_timeout": 30, "notebook_timeout": 150}' \
		$(PY) -m autograde.grade --force
	$(PY) -m autograde.report.feedback
	$(PY) -m autograde.report.grades --details
	$(PY) -m autograde.report.class_report

release: $(STAMP)
	$(PY) -m autograde.build.release

# measure the reference in the sandbox; write autograde/time_limits.json and its table in docs/instructor.md
time-limits: $(STAMP) bwrap
	$(PY) -m autograde.grade.time_limits --runs 2 --write

autograde: $(STAMP) bwrap
	$(PY) -m autograde.grade
	$(PY) -m autograde.report.grades

feedback: $(STAMP)
	$(PY) -m autograde.report.feedback

grades: $(STAMP)
	$(PY) -m autograde.report.grades --details

# the class report: course/report/index.html (figures embedded) and its CSVs (docs/instructor.md)
report: $(STAMP)
	$(PY) -m autograde.report.class_report

# the source notebooks with outputs, for `pytest --nbval course/source/cnn1d`
source: $(STAMP)
	$(PY) -m autograde.build.source
	$(PY) -m autograde.build.execute_source

sync-given: $(STAMP)
	$(PY) -m autograde.build.visible_mistakes
	$(PY) -m autograde.build.source --sync-given

# What a student gets (dist/cnn1d/ and dist/cnn1d-student.zip): the checked release, MNIST, the student README,
# requirements.txt, start_lab.py and lab-config/; no solution, hidden test or instructor tool.
student-bundle: release
	$(PY) -m autograde.build.student_bundle

# JupyterLab as a student has it: a working copy of the bundle in lab/cnn1d (gitignored; made once, then missing
# files are added and lab-config/ refreshed: the notebooks there are never overwritten), never notebooks/. As root too;
# LAB_ARGS go to jupyter lab, e.g. make lab LAB_ARGS="--no-browser --port 8890"
LAB_ARGS ?=
lab: student-bundle
	mkdir -p lab/cnn1d
	cp -R -n dist/cnn1d/. lab/cnn1d/
	cp -R dist/cnn1d/lab-config dist/cnn1d/start_lab.py lab/cnn1d/
	cd lab/cnn1d && $(CURDIR)/$(PY) start_lab.py $(LAB_ARGS)

# The course as its instructor works on it: server root = the repo, nbgrader's formgrader on course/ (the config is
# autograde/nbgrader_config.py, found through JUPYTER_CONFIG_PATH wherever the server starts). Works as root.
lab-instructor: $(STAMP)
	cd autograde && JUPYTER_CONFIG_PATH=$(CURDIR)/autograde ../$(VENV)/bin/jupyter lab \
		--ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache dist

# --- An LMS class (docs/instructor.md): a submissions zip in, grades and feedback out ------------------------------
# make collect ZIP=~/Downloads/submissions.zip [LMS=canvas|moodle|generic] [ROSTER=roster.csv]
# make export-lms [ROSTER=roster.csv] [CANVAS_ASSIGNMENT="CNN1D (12345)"] [TOTAL_OUT_OF=100]
LMS ?= auto
.PHONY: collect export-lms

collect: $(STAMP)
	@test -n "$(ZIP)" || { echo "usage: make collect ZIP=download.zip [LMS=canvas|moodle|generic] [ROSTER=roster.csv]" >&2; exit 2; }
	$(PY) -m autograde.intake.collect "$(ZIP)" --lms $(LMS) $(if $(ROSTER),--roster "$(ROSTER)")

export-lms: $(STAMP)
	$(PY) -m autograde.report.grades
	$(PY) -m autograde.report.lms_export $(if $(ROSTER),--roster "$(ROSTER)") \
		$(if $(CANVAS_ASSIGNMENT),--canvas-assignment "$(CANVAS_ASSIGNMENT)") $(if $(TOTAL_OUT_OF),--total-out-of $(TOTAL_OUT_OF))

# --- A class through nbgrader's exchange: JupyterHub (deploy/jupyterhub/) or a local Assignment List ----------------
# The exchange is $CNN1D_EXCHANGE_ROOT (a hub sets it), else course/exchange. STUDENT=<id> limits return-feedback.
.PHONY: release-exchange collect-exchange return-feedback

release-exchange: $(STAMP)
	$(PY) -m autograde.intake.exchange release

collect-exchange: $(STAMP)
	$(PY) -m autograde.intake.exchange collect $(if $(ROSTER),--roster "$(ROSTER)")

return-feedback: $(STAMP)
	$(PY) -m autograde.intake.exchange return-feedback $(STUDENT)

# --- A hosted class: JupyterHub + nbgrader's exchange (deploy/jupyterhub/README.md; root) --------------------------
# make hub-install [HUB_PREFIX=/opt/cnn1d-hub]   venv (course dependencies + jupyterhub, from a system Python every
#                                                account can run) + configurable-http-proxy, the recipe, data/
# make hub-users HUB_INSTRUCTORS="ito" HUB_STUDENTS="aoki brown"     Unix accounts, groups, exchange, ~/data
# make hub                                       JupyterHub on http://127.0.0.1:8150 (foreground)
# make hub-test                                  the browser tests: tests/test_hub_e2e.py, tests/test_local_lab.py
HUB_PREFIX ?= /opt/cnn1d-hub
HUB_VENV   ?= $(HUB_PREFIX)/venv
HUB_PYTHON ?= /usr/bin/python3
HUB_CHP    := $(HUB_VENV)/chp/node_modules/.bin/configurable-http-proxy
.PHONY: hub-install hub-users hub hub-test autograde-student

hub-install: $(HUB_VENV)/.installed $(HUB_CHP)
	install -d -m 0755 $(HUB_PREFIX)
	rm -rf $(HUB_PREFIX)/deploy $(HUB_PREFIX)/data
	cp -r deploy/jupyterhub $(HUB_PREFIX)/deploy
	cp -r data $(HUB_PREFIX)/data
	chmod -R u=rwX,go=rX $(HUB_PREFIX)/deploy $(HUB_PREFIX)/data
	@echo "hub installed in $(HUB_PREFIX) (venv $(HUB_VENV)); next: make hub-users, make hub"

$(HUB_VENV)/.installed: pyproject.toml
	$(HUB_PYTHON) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + p["optional-dependencies"]["hub"]))' > $(HUB_VENV)/requirements.txt
	$(HUB_VENV)/bin/python -m pip install --quiet -r $(HUB_VENV)/requirements.txt
	chmod -R go+rX $(HUB_VENV)
	touch $@

$(HUB_CHP): deploy/jupyterhub/package.json deploy/jupyterhub/package-lock.json
	@command -v npm >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq npm; else echo "the hub needs node and npm" >&2; exit 1; fi; }
	install -d $(HUB_VENV)/chp
	cp deploy/jupyterhub/package.json deploy/jupyterhub/package-lock.json $(HUB_VENV)/chp/
	cd $(HUB_VENV)/chp && npm ci --no-fund --no-audit --omit=dev --loglevel=error
	chmod -R go+rX $(HUB_VENV)/chp
	touch $@

hub-users:
	CNN1D_INSTRUCTORS="$(HUB_INSTRUCTORS)" CNN1D_STUDENTS="$(HUB_STUDENTS)" CNN1D_DATA_DIR=$(HUB_PREFIX)/data \
		deploy/jupyterhub/provision.sh </dev/null

hub: hub-install
	cd $${CNN1D_HUB_STATE:-/srv/jupyterhub} && $(HUB_VENV)/bin/jupyterhub -f $(HUB_PREFIX)/deploy/jupyterhub_config.py

hub-test: $(STAMP)
	$(PY) -m pytest -q -m hub tests/test_hub_e2e.py tests/test_local_lab.py

# the formgrader's per-student Autograde button (deploy/jupyterhub/extensions/): regrade one student
autograde-student: $(STAMP) bwrap
	@test -n "$(STUDENT)" || { echo "usage: make autograde-student STUDENT=<id>" >&2; exit 2; }
	$(PY) -m autograde.grade --force $(STUDENT)
	$(PY) -m autograde.report.grades

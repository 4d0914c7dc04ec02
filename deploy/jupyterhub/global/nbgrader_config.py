# nbgrader's global config for every account on the hub: students, instructors, graders.
# Production: `make hub-install` copies it with the rest of deploy/jupyterhub/ to $HUB_PREFIX (world-readable), and
# the hub puts that folder on $JUPYTER_CONFIG_PATH of every single-user server (or install it as
# /etc/jupyter/nbgrader_config.py; `jupyter --paths` lists the config folders). Students cannot read the course
# repository, so nothing here imports it: tests/test_hub_config.py keeps these values equal to autograde/settings.py.
import os

c = get_config()  # noqa: F821

# Must equal the course's CourseDirectory.course_id: the exchange keeps each course in
# <root>/<course_id>/{outbound,inbound,feedback}, and the Assignment List lists only this course.
c.CourseDirectory.course_id = os.environ.get("CNN1D_COURSE_ID", "cnn1d-scratch")

# The exchange: one folder every account sees, mode 1777 (world-writable + sticky), made by provision.sh before the
# first release (nbgrader: "MUST be preexisting"). Missing or unwritable, the Assignment List says "Error fetching
# courses!" and the server log "Unwritable directory, please contact your instructor".
c.Exchange.root = os.environ.get("CNN1D_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = False  # one course on this hub: fetched to ~/cnn1d, not ~/cnn1d-scratch/cnn1d

# Validate runs each cell with the time autograde's sandbox gives it (SandboxLimits.cell_timeout), not nbgrader's
# 30 s: notebook 8's training cell must not pass in one and time out in the other.
c.Execute.timeout = 300

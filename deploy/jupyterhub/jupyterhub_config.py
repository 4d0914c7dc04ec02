"""JupyterHub for the cnn1d course: local Unix accounts, one server per account running as that account.

    make hub      (as root: $HUB_VENV/bin/jupyterhub -f $HUB_PREFIX/deploy/jupyterhub_config.py; README.md)

Who is who comes from two Unix groups (names configurable below): members of $CNN1D_INSTRUCTOR_GROUP
(default cnn1d-instructors) get the instructor's server (formgrader, course list, guarded formgrader buttons),
members of $CNN1D_STUDENT_GROUP (default cnn1d-students) a student's server (Assignment List and Validate only).
Nobody else may log in. Passwords are the accounts' own (PAM). Every setting a test changes is an environment
variable; the defaults are a production layout (/srv/jupyterhub, /srv/nbgrader/exchange, ports 8150-8199 on
loopback: put a TLS reverse proxy in front, see README.md). This file, roles/, global/ and extensions/ must be
readable by every account (make hub-install copies them to $HUB_PREFIX/deploy); the venv the hub runs from
(sys.prefix, $HUB_VENV) serves every single-user server and kernel, and holds configurable-http-proxy in chp/.
An instructor's course is their own checkout of the repository, ~/<$CNN1D_REPO_NAME> (default cnn1d-scratch).
"""

import grp
import os
import pwd
import socket
import sys
from pathlib import Path

c = get_config()  # noqa: F821

HERE = Path(__file__).resolve().parent
ROLES = HERE / "roles"
GLOBAL_CONFIG = HERE / "global"  # = /etc/jupyter/nbgrader_config.py in production
EXTENSIONS = HERE / "extensions"
VENV_BIN = Path(sys.executable).parent  # the hub and the single-user servers share one environment
STATE = Path(os.environ.get("CNN1D_HUB_STATE", "/srv/jupyterhub"))
COURSE_ID = os.environ.get("CNN1D_COURSE_ID", "cnn1d-scratch")
EXCHANGE_ROOT = os.environ.get("CNN1D_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
IP = os.environ.get("CNN1D_HUB_IP", "127.0.0.1")
PORT = int(os.environ.get("CNN1D_HUB_PORT", "8150"))  # public (the proxy); PORT+1 proxy API, PORT+2 hub
USER_PORTS = range(PORT + 10, PORT + 50)  # single-user servers: 8160-8199 by default
CHP = os.environ.get("CNN1D_CHP", str(Path(sys.prefix) / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"))
REPO_NAME = os.environ.get("CNN1D_REPO_NAME", "cnn1d-scratch")  # each instructor's checkout: ~/<REPO_NAME>
INSTRUCTOR_GROUP = os.environ.get("CNN1D_INSTRUCTOR_GROUP", "cnn1d-instructors")
STUDENT_GROUP = os.environ.get("CNN1D_STUDENT_GROUP", "cnn1d-students")


def unix_group_members(name: str) -> set[str]:
    try:
        return set(grp.getgrnam(name).gr_mem)
    except KeyError:
        return set()


def role_of(username: str) -> str:
    """Read at each spawn, so adding someone to a Unix group needs no hub restart."""
    return "instructor" if username in unix_group_members(INSTRUCTOR_GROUP) else "student"


INSTRUCTORS = unix_group_members(INSTRUCTOR_GROUP)
STUDENTS = unix_group_members(STUDENT_GROUP) - INSTRUCTORS

# --- network: everything on loopback; the proxy is the only public port --------------------------------------------
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{PORT + 2}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PORT + 1}"
c.ConfigurableHTTPProxy.command = [CHP]  # make hub-install: npm install (package.json) into $HUB_VENV/chp
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# --- state ---------------------------------------------------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops the single-user servers

# --- accounts: local Unix users, PAM passwords; the Unix groups above say who may log in and in which role --------
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no pam_systemd/pam_loginuid sessions needed (and none in a container)
# LocalAuthenticator (PAM's base): members of these Unix groups may log in, checked at each login
c.LocalAuthenticator.allowed_groups = {INSTRUCTOR_GROUP, STUDENT_GROUP}
c.Authenticator.admin_users = set(os.environ.get("CNN1D_HUB_ADMINS", "").split())  # hub admins see every server
c.JupyterHub.load_groups = {
    # hub-side mirror of the Unix groups, read at hub start (the hub's admin page, the role below); named as
    # nbgrader's JupyterHubAuthPlugin expects, should the hub ever serve several courses
    f"formgrade-{COURSE_ID}": {"users": sorted(INSTRUCTORS)},
    f"nbgrader-{COURSE_ID}": {"users": sorted(STUDENTS)},
}
c.JupyterHub.load_roles = [
    # instructors may list the hub's users and groups (read-only); they cannot reach students' servers
    {"name": "cnn1d-instructor", "scopes": ["self", "list:users", "read:users:name", "read:groups"],
     "groups": [f"formgrade-{COURSE_ID}"]},
]

# --- single-user servers: one process per user, running as that Unix user, JupyterLab in the home folder -----------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.ip = "127.0.0.1"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120  # a cold JupyterLab start on a busy 2-core machine
c.Spawner.http_timeout = 120


def _free_port() -> int:
    for port in USER_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port for a single-user server in {USER_PORTS}")


def pre_spawn_hook(spawner):
    """The role's config folders on $JUPYTER_CONFIG_PATH, a port in our range."""
    role = role_of(spawner.user.name)
    env = dict(spawner.environment)
    env.update({
        # role folder first (server extensions, disabled lab extensions, nbgrader config), then the global one
        "JUPYTER_CONFIG_PATH": os.pathsep.join([str(ROLES / role), str(GLOBAL_CONFIG)]),
        # nbgrader starts `alembic` by name (gradebook) and the kernel by the venv's python
        "PATH": os.pathsep.join([str(VENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
        "CNN1D_COURSE_ID": COURSE_ID,
        "CNN1D_EXCHANGE_ROOT": EXCHANGE_ROOT,
        "OPENBLAS_NUM_THREADS": "1",
        "KERAS_BACKEND": "numpy",  # notebook 8's comparison with Keras, as the Makefile runs it
    })
    if role == "instructor":
        repo = Path(pwd.getpwnam(spawner.user.name).pw_dir) / REPO_NAME  # a Unix account: LocalProcessSpawner
        env["PYTHONPATH"] = str(EXTENSIONS)  # cnn1d_formgrader_guard
        env["CNN1D_REPO"] = str(repo)  # roles/instructor/nbgrader_config.py loads the course's own config
        # the guard runs the course's make targets there; a hub may add make variables ($CNN1D_MAKE_ARGS: VENV=...)
        env["CNN1D_FORMGRADER_MAKE"] = f"make --no-print-directory -C {repo} {os.environ.get('CNN1D_MAKE_ARGS', '')}"
    spawner.environment = env
    spawner.port = _free_port()
    spawner.log.info("cnn1d: %s starts as %s on port %d", spawner.user.name, role, spawner.port)


c.Spawner.pre_spawn_hook = pre_spawn_hook

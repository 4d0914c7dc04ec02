#!/bin/bash
# Accounts, groups and folders the hub needs; run as root, safe to rerun.
#
#   CNN1D_INSTRUCTORS="instructor" CNN1D_STUDENTS="student_a student_b" deploy/jupyterhub/provision.sh [< passwords]
#
# - Unix groups $CNN1D_INSTRUCTOR_GROUP (cnn1d-instructors) and $CNN1D_STUDENT_GROUP (cnn1d-students): the hub
#   lets their members in, in that role (jupyterhub_config.py);
# - one Unix account per person (useradd -m), home folder mode 0700: students cannot read each other's files or the
#   instructor's course folder (the course directory lives in the instructor's home);
#   full names: "Last, First" in $CNN1D_FULLNAME_<user> becomes the GECOS field, read by the roster step;
# - the exchange $CNN1D_EXCHANGE_ROOT (/srv/nbgrader/exchange), mode 1777 (everyone writes, nobody deletes
#   another's files), and the hub's state folder $CNN1D_HUB_STATE (/srv/jupyterhub), mode 0700;
# - ~/data -> $CNN1D_DATA_DIR (/opt/cnn1d-hub/data, the course's data/ that make hub-install copies, read-only) for
#   each account: notebook 8 looks for data/mnist.npz in its folder's parents (~/cnn1d/ -> ~/data), as autograde's
#   sandbox lays it out;
# - passwords: lines "user:password" on stdin (chpasswd), when stdin is not a terminal. In production people set
#   their own (passwd), or use a single-sign-on authenticator instead of PAM (README.md).
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "provision.sh: run as root" >&2; exit 1; }

INSTRUCTOR_GROUP=${CNN1D_INSTRUCTOR_GROUP:-cnn1d-instructors}
STUDENT_GROUP=${CNN1D_STUDENT_GROUP:-cnn1d-students}
EXCHANGE_ROOT=${CNN1D_EXCHANGE_ROOT:-/srv/nbgrader/exchange}
HUB_STATE=${CNN1D_HUB_STATE:-/srv/jupyterhub}
DATA_DIR=${CNN1D_DATA_DIR:-/opt/cnn1d-hub/data}

groupadd -f "$INSTRUCTOR_GROUP"
groupadd -f "$STUDENT_GROUP"

add_user() {  # user group
    local user=$1 group=$2 gecos_var="CNN1D_FULLNAME_$1"
    if ! id "$user" >/dev/null 2>&1; then
        useradd --create-home --shell /bin/bash --comment "${!gecos_var:-}" "$user"
    fi
    usermod --append --groups "$group" "$user"
    local home
    home=$(getent passwd "$user" | cut -d: -f6)
    chmod 0700 "$home"
    if [ -d "$DATA_DIR" ] && [ ! -e "$home/data" ] && [ ! -L "$home/data" ]; then
        ln -s "$DATA_DIR" "$home/data"
    fi
}
for user in ${CNN1D_INSTRUCTORS:-}; do add_user "$user" "$INSTRUCTOR_GROUP"; done
for user in ${CNN1D_STUDENTS:-}; do add_user "$user" "$STUDENT_GROUP"; done

install -d -m 0755 "$(dirname "$EXCHANGE_ROOT")"
install -d -m 0755 "$EXCHANGE_ROOT"
chmod 1777 "$EXCHANGE_ROOT"  # install -m does not always keep the sticky bit
install -d -m 0700 "$HUB_STATE"

if [ ! -t 0 ]; then
    chpasswd
fi
echo "provisioned: instructors [${CNN1D_INSTRUCTORS:-}] students [${CNN1D_STUDENTS:-}]," \
     "exchange $EXCHANGE_ROOT ($(stat -c %a "$EXCHANGE_ROOT")), hub state $HUB_STATE"

# nbgrader config of a student's server (on $JUPYTER_CONFIG_PATH before the global folder).
import os

c = get_config()  # noqa: F821

# Fetch assignments and feedback into the home folder (the file browser's root): ~/cnn1d/, feedback in
# ~/cnn1d/feedback/<time>/. nbgrader's default "." is the server's working directory, whatever that is.
c.Exchange.assignment_dir = os.path.expanduser("~")

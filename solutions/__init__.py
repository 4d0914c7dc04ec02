"""Hidden reference implementation of the course (never shipped to students).

One module backs each notebook (``pN_*.py``); the layers problem 8 needs live in their own modules.
``NOTEBOOK_MODULES`` is the map the build step and the tests read.
"""

NOTEBOOK_MODULES = {
    1: "solutions.p1_simple_conv1d",
    2: "solutions.p2_output_size",
    3: "solutions.p3_toy_check",
    4: "solutions.p4_conv1d",
    5: "solutions.p5_padding",
    6: "solutions.p6_minibatch",
    7: "solutions.p7_stride",
    8: "solutions.p8_classifier",
}

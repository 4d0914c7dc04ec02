"""Problem 2: output length of a 1D convolution."""

from solutions.validation import check_int


def output_size(n_in, filter_size, padding=0, stride=1):
    """Number of output positions of a 1D convolution.

    N_out = (N_in + 2P - F) // S + 1, with P zeros added on *each* side.

    Parameters
    ----------
    n_in : int        input length N_in >= 1
    filter_size : int filter length F >= 1
    padding : int     zeros per side P >= 0
    stride : int      step S >= 1

    Returns
    -------
    int : N_out >= 1

    Raises
    ------
    ValueError if an argument is not an integer, is out of range, or the filter is longer than the padded input.
    """
    n_in = check_int("n_in", n_in, 1)
    filter_size = check_int("filter_size", filter_size, 1)
    padding = check_int("padding", padding, 0)
    stride = check_int("stride", stride, 1)
    padded = n_in + 2 * padding
    if filter_size > padded:
        raise ValueError(
            f"filter_size={filter_size} is longer than the padded input "
            f"n_in + 2*padding = {n_in} + 2*{padding} = {padded}"
        )
    return (padded - filter_size) // stride + 1

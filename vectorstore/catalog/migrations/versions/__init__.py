"""One module per catalog revision: ``NNNN_what.py``; catalog version N is revision ``NNNN``."""

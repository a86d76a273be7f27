"""The printed booklet's model: which cases, in which order, on which pages."""

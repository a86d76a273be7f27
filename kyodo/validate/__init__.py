"""Turn raw documents into model objects, collecting every problem."""

"""kyodo — static-site generator for a ward's 協働事例集 and 協働指針.

The pipeline is visible in the sub-packages:
load -> validate -> model -> views -> render -> write -> post.
"""

__version__ = "0.1.0"

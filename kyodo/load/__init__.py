"""Reading files from the content folder: bytes -> text -> YAML + markdown."""

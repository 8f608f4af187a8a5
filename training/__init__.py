"""Scripts that build what ships in the package from the shared labels (see DESIGN.md)."""

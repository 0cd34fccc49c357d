"""The project sidebar: the lazy artifact tree and the paged run list."""

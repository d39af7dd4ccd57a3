// Module Policy: see ../shared/DESIGN.md for what it owns. Filled by its issue.

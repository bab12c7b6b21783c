"""The pages. Each view parses its input, calls one service or selector, and renders."""

"""TODO render.docx."""

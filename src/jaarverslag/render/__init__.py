"""Writers: the Document as one HTML document, and that HTML as PDF and DOCX; tables as CSV."""

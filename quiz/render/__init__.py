"""Result objects to text: terminal tables, JSON, CSV and HTML, each from the same object. Returns
strings; no queries, no printing."""

"""Result objects to text: terminal text, JSON, CSV and HTML, each from the same service result.
Returns strings; no queries, no printing. style: colour or none; data: the one JSON emitter;
columns: the one table layout; library, people, review, reports (report_html): one per use case."""

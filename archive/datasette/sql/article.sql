-- One article as its page shows it.
SELECT id, title, outlet, url, published_date, date_precision, agency, body, captions,
       source_path, format
FROM articles WHERE id = :id

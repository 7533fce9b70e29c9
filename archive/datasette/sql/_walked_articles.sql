-- The first :walked articles in the page's order (dated ones by date, then the others),
-- read from the index on articles.published_date: a walk's candidates ({walked_articles}
-- in a *_walk.sql file).
walked AS (
  SELECT * FROM (SELECT 0 AS undated, published_date AS date, id FROM articles
                 WHERE published_date IS NOT NULL ORDER BY published_date, id LIMIT :walked)
  UNION ALL
  SELECT * FROM (SELECT 1, NULL, id FROM articles
                 WHERE published_date IS NULL ORDER BY id LIMIT :walked)
  ORDER BY 1, 2, 3 LIMIT :walked)

-- organisation_articles.sql's first :listed rows for a large organisation: the first
-- :walked articles in the page's order (dated ones by date, then the others: read from
-- the index on articles.published_date), each checked for naming it by one lookup in
-- search_list_items (the organisations each article names). Fewer rows than :listed: the
-- walk may have stopped short, ask organisation_articles.sql.
WITH {walked_articles},
first AS (
  SELECT w.undated, w.date, w.id FROM walked w
  WHERE EXISTS (SELECT 1 FROM search_list_items i
                WHERE i.list = 'articles_browse.organisations' AND i.row_id = w.id
                  AND i.value = (SELECT name FROM organisations WHERE id = :id))
  ORDER BY 1, 2, 3 LIMIT :listed)
SELECT ab.article_id, COALESCE(NULLIF(ab.title, ''), 'Article ' || ab.article_id) AS title,
       ab.published_date, ao.surface, ao.evidence_field, ao.evidence_start, ao.evidence_end,
       ao.evidence
FROM first f JOIN article_organisations ao ON ao.article_id = f.id AND ao.organisation_id = :id
JOIN search_articles_browse ab ON ab.article_id = f.id
ORDER BY f.undated, f.date, f.id

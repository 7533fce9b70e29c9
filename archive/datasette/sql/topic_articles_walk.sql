-- topic_articles.sql's first :listed rows for a frequent subject: the first :walked
-- articles in the page's order (dated ones by date, then the others: read from the index
-- on articles.published_date), each checked for the subject by one index lookup. Fewer
-- rows than :listed: the walk may have stopped short, ask topic_articles.sql.
WITH {walked_articles},
first AS (
  SELECT w.undated, w.date, w.id FROM walked w
  WHERE EXISTS (SELECT 1 FROM article_topics at WHERE at.article_id = w.id AND at.topic_id = :id)
  ORDER BY 1, 2, 3 LIMIT :listed)
SELECT ab.article_id, COALESCE(NULLIF(ab.title, ''), 'Article ' || ab.article_id) AS title,
       ab.published_date, at.evidence_field, at.evidence_start, at.evidence_end, at.evidence
FROM first f JOIN article_topics at ON at.article_id = f.id AND at.topic_id = :id
JOIN search_articles_browse ab ON ab.article_id = f.id
ORDER BY f.undated, f.date, f.id

-- The articles naming one subject, with the phrase's sentence.
SELECT a.id AS article_id, COALESCE(NULLIF(a.title, ''), 'Article ' || a.id) AS title,
       a.published_date, at.evidence_field, at.evidence_start, at.evidence_end, at.evidence
FROM article_topics at JOIN articles a ON a.id = at.article_id
WHERE at.topic_id = :id
ORDER BY a.published_date IS NULL, a.published_date, a.id

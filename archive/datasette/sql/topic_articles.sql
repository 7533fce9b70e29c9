-- The articles naming one subject, with the phrase's sentence.
SELECT ab.article_id, COALESCE(NULLIF(ab.title, ''), 'Article ' || ab.article_id) AS title,
       ab.published_date, at.evidence_field, at.evidence_start, at.evidence_end, at.evidence
FROM article_topics at JOIN articles_browse ab ON ab.article_id = at.article_id
WHERE at.topic_id = :id
ORDER BY ab.published_date IS NULL, ab.published_date, ab.article_id

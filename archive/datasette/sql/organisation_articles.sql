-- The articles naming one organisation, with the sentence of the first mention.
SELECT ab.article_id, COALESCE(NULLIF(ab.title, ''), 'Article ' || ab.article_id) AS title,
       ab.published_date, ao.surface, ao.evidence_field, ao.evidence_start, ao.evidence_end,
       ao.evidence
FROM article_organisations ao JOIN articles_browse ab ON ab.article_id = ao.article_id
WHERE ao.organisation_id = :id
ORDER BY ab.published_date IS NULL, ab.published_date, ab.article_id

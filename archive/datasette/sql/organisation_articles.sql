-- The articles naming one organisation, with the sentence of the first mention.
SELECT a.id AS article_id, COALESCE(NULLIF(a.title, ''), 'Article ' || a.id) AS title,
       a.published_date, ao.surface, ao.evidence_field, ao.evidence_start, ao.evidence_end,
       ao.evidence
FROM article_organisations ao JOIN articles a ON a.id = ao.article_id
WHERE ao.organisation_id = :id
ORDER BY a.published_date IS NULL, a.published_date, a.id

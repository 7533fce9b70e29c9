-- The articles reporting one meeting, with the sentence and how its date was found.
SELECT a.id AS article_id, COALESCE(NULLIF(a.title, ''), 'Article ' || a.id) AS title,
       a.outlet, a.published_date, ms.date_basis, ms.evidence_field, ms.evidence_start,
       ms.evidence_end, ms.evidence
FROM meeting_sources ms JOIN articles a ON a.id = ms.article_id
WHERE ms.meeting_id = :id
ORDER BY a.published_date IS NULL, a.published_date, a.id

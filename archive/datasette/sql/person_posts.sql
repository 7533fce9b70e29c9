-- The posts one person holds, as the articles attest them (one row per post).
SELECT pos.title, pos.title_en, o.name AS organisation, min(pp.date) AS first_date,
       max(pp.date) AS last_date, count(DISTINCT pp.article_id) AS articles,
       min(pp.evidence) AS evidence
FROM person_positions pp
JOIN positions pos ON pos.id = pp.position_id
LEFT JOIN organisations o ON o.id = pos.organisation_id
WHERE pp.person_id = :id
GROUP BY pos.id
ORDER BY first_date IS NULL, first_date, pos.title

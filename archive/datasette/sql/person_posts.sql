-- The posts one person holds, as the articles attest them (one row per post; each post's
-- links grouped before its title and organisation are read).
SELECT pos.title, pos.title_en, o.name AS organisation, g.first_date, g.last_date,
       g.articles, g.evidence
FROM (SELECT pp.position_id, min(pp.date) AS first_date, max(pp.date) AS last_date,
             count(DISTINCT pp.article_id) AS articles, min(pp.evidence) AS evidence
      FROM person_positions pp WHERE pp.person_id = :id GROUP BY pp.position_id) g
JOIN positions pos ON pos.id = g.position_id
LEFT JOIN organisations o ON o.id = pos.organisation_id
ORDER BY g.first_date IS NULL, g.first_date, pos.title

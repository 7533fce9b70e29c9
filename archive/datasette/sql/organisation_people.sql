-- The people holding posts at one organisation, as the articles attest them.
SELECT p.id AS person_id, p.name, p.name_en,
       group_concat(DISTINCT COALESCE(pos.title_en, pos.title)) AS posts,
       count(DISTINCT pp.article_id) AS articles
FROM person_positions pp JOIN positions pos ON pos.id = pp.position_id
JOIN persons p ON p.id = pp.person_id
WHERE pos.organisation_id = :id
GROUP BY p.id ORDER BY p.name

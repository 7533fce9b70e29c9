-- The rows of organisation_people.sql for the people of ``first`` (id, name), in name
-- order: each with their posts there and the articles attesting them.
SELECT f.id AS person_id, f.name, p.name_en,
       group_concat(DISTINCT COALESCE(pos.title_en, pos.title)) AS posts,
       count(DISTINCT pp.article_id) AS articles
FROM first f CROSS JOIN person_positions pp ON pp.person_id = f.id
JOIN positions pos ON pos.id = pp.position_id JOIN persons p ON p.id = f.id
WHERE pos.organisation_id = :id
GROUP BY f.id ORDER BY f.name

-- The people in one meeting, by side, with the posts the reporting articles give them.
SELECT p.id AS person_id, p.name, p.name_en, COALESCE(min(mp.side), p.country) AS side,
       group_concat(DISTINCT mp.role) AS roles,
       (SELECT group_concat(post, '; ') FROM (
          SELECT DISTINCT COALESCE(pos.title_en, pos.title)
                 || COALESCE(', ' || COALESCE(o.name_en, o.name), '') AS post
          FROM person_positions pp JOIN positions pos ON pos.id = pp.position_id
          LEFT JOIN organisations o ON o.id = pos.organisation_id
          WHERE pp.person_id = p.id AND pp.article_id IN
            (SELECT article_id FROM meeting_sources WHERE meeting_id = :id))) AS posts
FROM meeting_participants mp JOIN persons p ON p.id = mp.person_id
WHERE mp.meeting_id = :id
GROUP BY p.id
ORDER BY side = 'VN' DESC, side, p.name

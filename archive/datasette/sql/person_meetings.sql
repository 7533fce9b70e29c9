-- The meetings one person took part in, by date, with whom, on which subjects.
SELECT m.id AS meeting_id, m.date, m.kind, COALESCE(k.name_en, m.kind) AS kind_en, m.place,
       (SELECT group_concat(name, ', ') FROM (
            SELECT DISTINCT p.name FROM meeting_participants o
            JOIN persons p ON p.id = o.person_id
            WHERE o.meeting_id = m.id AND o.person_id != :id ORDER BY p.name)) AS with_whom,
       (SELECT group_concat(name_en, ', ') FROM (
            SELECT DISTINCT t.name_en FROM meeting_topics mt JOIN topics t ON t.id = mt.topic_id
            WHERE mt.meeting_id = m.id ORDER BY t.name_en)) AS topics,
       (SELECT ms.evidence FROM meeting_sources ms WHERE ms.meeting_id = m.id
        ORDER BY ms.article_id LIMIT 1) AS evidence
FROM meetings m
LEFT JOIN search_meeting_kinds k ON k.kind = m.kind
WHERE m.id IN (SELECT meeting_id FROM meeting_participants WHERE person_id = :id)
ORDER BY m.date IS NULL, m.date, m.id

-- The meetings one person took part in, by date, with whom, on which subjects (the first
-- :listed chosen by date alone, then only those read whole).
SELECT m.id AS meeting_id, mb."when", m.kind, COALESCE(k.name_en, m.kind) AS kind_en, m.place,
       json_remove(mb.participants, '$[' || (SELECT key FROM json_each(mb.participants)
            WHERE value = (SELECT name FROM persons WHERE id = :id)) || ']') AS with_whom,
       mb.topics,
       ms.article_id, ms.evidence_start, ms.evidence_end, ms.evidence
FROM (SELECT id FROM meetings
      WHERE id IN (SELECT meeting_id FROM meeting_participants WHERE person_id = :id)
      ORDER BY date IS NULL, date, id LIMIT :listed) chosen
JOIN meetings m ON m.id = chosen.id
JOIN meetings_browse mb ON mb.meeting_id = m.id
LEFT JOIN search_meeting_kinds k ON k.kind = m.kind
LEFT JOIN meeting_sources ms ON ms.id = (SELECT id FROM meeting_sources
    WHERE meeting_id = m.id ORDER BY article_id LIMIT 1)
ORDER BY m.date IS NULL, m.date, m.id

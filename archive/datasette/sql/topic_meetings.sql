-- The meetings whose reports name one subject.
SELECT DISTINCT mb.meeting_id, mb."when", mb.kind_en, mb.place, mb.participants
FROM meetings_browse mb JOIN meeting_topics mt ON mt.meeting_id = mb.meeting_id
WHERE mt.topic_id = :id
ORDER BY mb.date IS NULL, mb.date, mb.meeting_id

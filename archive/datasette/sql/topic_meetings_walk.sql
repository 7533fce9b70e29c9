-- topic_meetings.sql's first :listed rows for a frequent subject: the first :walked
-- meetings in the page's order (dated ones by date, then the others: read from the index
-- on meetings.date), each checked for the subject by one index lookup. Fewer rows than
-- :listed: the walk may have stopped short, ask topic_meetings.sql.
WITH {walked_meetings},
first AS (
  SELECT w.undated, w.date, w.id FROM walked w
  WHERE EXISTS (SELECT 1 FROM meeting_topics mt WHERE mt.meeting_id = w.id AND mt.topic_id = :id)
  ORDER BY 1, 2, 3 LIMIT :listed)
SELECT mb.meeting_id, mb."when", mb.kind_en, mb.place, mb.participants
FROM first f JOIN search_meetings_browse mb ON mb.meeting_id = f.id
ORDER BY f.undated, f.date, f.id

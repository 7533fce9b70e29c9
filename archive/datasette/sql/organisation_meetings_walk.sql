-- organisation_meetings.sql's first :listed rows for a large organisation: the first
-- :walked meetings in the page's order (dated ones by date, then the others: read from
-- the index on meetings.date), each checked for a participant holding a post there (one
-- lookup per participant in search_list_items, the organisations of each person's posts).
-- Fewer rows than :listed: the walk may have stopped short, ask organisation_meetings.sql.
WITH {walked_meetings},
first AS (
  SELECT w.undated, w.date, w.id FROM walked w
  WHERE EXISTS (SELECT 1 FROM meeting_participants mp JOIN search_list_items i
                  ON i.list = 'persons_browse.organisations' AND i.row_id = mp.person_id
                  AND i.value = (SELECT name FROM organisations WHERE id = :id)
                WHERE mp.meeting_id = w.id)
  ORDER BY 1, 2, 3 LIMIT :listed)
SELECT mb.meeting_id, mb."when", mb.kind_en, mb.place, mb.participants
FROM first f JOIN search_meetings_browse mb ON mb.meeting_id = f.id
ORDER BY f.undated, f.date, f.id

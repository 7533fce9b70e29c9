-- Meetings in which someone holding a post at one organisation took part.
SELECT mb.meeting_id, mb."when", mb.kind_en, mb.place, mb.participants
FROM meetings_browse mb
WHERE mb.meeting_id IN (
  SELECT mp.meeting_id FROM meeting_participants mp
  WHERE mp.person_id IN (SELECT pp.person_id FROM person_positions pp
                         JOIN positions pos ON pos.id = pp.position_id
                         WHERE pos.organisation_id = :id))
ORDER BY mb.date IS NULL, mb.date, mb.meeting_id

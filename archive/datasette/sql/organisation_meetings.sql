-- Meetings in which someone holding a post at one organisation took part.
SELECT DISTINCT mb.meeting_id, mb."when", mb.kind_en, mb.place, mb.participants
FROM meetings_browse mb
JOIN meeting_participants mp ON mp.meeting_id = mb.meeting_id
JOIN person_positions pp ON pp.person_id = mp.person_id
JOIN positions pos ON pos.id = pp.position_id
WHERE pos.organisation_id = :id
ORDER BY mb.date IS NULL, mb.date, mb.meeting_id

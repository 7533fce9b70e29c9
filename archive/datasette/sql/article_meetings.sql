-- The meetings one article reports.
SELECT mb.meeting_id, mb."when", mb.kind_en, mb.place, mb.participants
FROM meeting_sources ms JOIN meetings_browse mb ON mb.meeting_id = ms.meeting_id
WHERE ms.article_id = :id
ORDER BY mb.meeting_id

-- One meeting with its labels and its date as the text gives it.
SELECT mb.*, k.name_vi AS kind_vi, m.date_precision, m.month_day, m.parent_id,
       sp.name_en AS place_en
FROM meetings m JOIN meetings_browse mb ON mb.meeting_id = m.id
LEFT JOIN search_meeting_kinds k ON k.kind = m.kind
LEFT JOIN search_places sp ON sp.name = m.place
WHERE m.id = :id

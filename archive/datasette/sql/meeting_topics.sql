-- The subjects of one meeting, with the sentence naming each (when extraction gives it).
SELECT t.id AS topic_id, t.name_en, t.name_vi, min(mt.article_id) AS article_id,
       min(mt.evidence) AS evidence, min(mt.evidence_start) AS evidence_start,
       min(mt.evidence_end) AS evidence_end
FROM meeting_topics mt JOIN topics t ON t.id = mt.topic_id
WHERE mt.meeting_id = :id
GROUP BY t.id
ORDER BY t.name_en

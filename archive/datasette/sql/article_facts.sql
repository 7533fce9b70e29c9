-- Every fact read from one article, with the span that attests it and the row it is about.
SELECT * FROM (
  SELECT 'person' AS fact, p.name AS label, 'persons' AS target, p.id AS target_id,
         ap.evidence_field AS field, ap.evidence_start AS start, ap.evidence_end AS "end",
         ap.evidence
  FROM article_persons ap JOIN persons p ON p.id = ap.person_id WHERE ap.article_id = :id
  UNION ALL
  SELECT 'post', p.name || ': ' || COALESCE(pos.title_en, pos.title)
                 || COALESCE(', ' || COALESCE(o.name_en, o.name), ''),
         'persons', p.id, pp.evidence_field, pp.evidence_start, pp.evidence_end, pp.evidence
  FROM person_positions pp JOIN persons p ON p.id = pp.person_id
  JOIN positions pos ON pos.id = pp.position_id
  LEFT JOIN organisations o ON o.id = pos.organisation_id WHERE pp.article_id = :id
  UNION ALL
  SELECT 'organisation', o.name, 'organisations', o.id, ao.evidence_field, ao.evidence_start,
         ao.evidence_end, ao.evidence
  FROM article_organisations ao JOIN organisations o ON o.id = ao.organisation_id
  WHERE ao.article_id = :id
  UNION ALL
  SELECT 'meeting', COALESCE(k.name_en, m.kind) || ', ' || mb."when", 'meetings', m.id,
         ms.evidence_field, ms.evidence_start, ms.evidence_end, ms.evidence
  FROM meeting_sources ms JOIN meetings m ON m.id = ms.meeting_id
  JOIN meetings_browse mb ON mb.meeting_id = m.id
  LEFT JOIN search_meeting_kinds k ON k.kind = m.kind WHERE ms.article_id = :id
  UNION ALL
  SELECT 'topic', t.name_en, 'topics', t.id, at.evidence_field, at.evidence_start,
         at.evidence_end, at.evidence
  FROM article_topics at JOIN topics t ON t.id = at.topic_id WHERE at.article_id = :id
  UNION ALL
  SELECT 'meeting topic', t.name_en || ' (meeting ' || mt.meeting_id || ')', 'topics', t.id,
         mt.evidence_field, mt.evidence_start, mt.evidence_end, mt.evidence
  FROM meeting_topics mt JOIN topics t ON t.id = mt.topic_id
  WHERE mt.article_id = :id AND mt.evidence_start IS NOT NULL
  UNION ALL
  SELECT 'other spelling', pa.alias || ' = ' || p.name, 'persons', p.id, pa.evidence_field,
         pa.evidence_start, pa.evidence_end, pa.evidence
  FROM person_aliases pa JOIN persons p ON p.id = pa.person_id WHERE pa.article_id = :id
)
ORDER BY field, start IS NULL, start, fact

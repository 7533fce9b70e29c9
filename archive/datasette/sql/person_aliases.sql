-- Other spellings of one person (pinyin, variant transliterations), with where they appear.
SELECT pa.alias, min(pa.article_id) AS article_id, min(pa.evidence_start) AS evidence_start,
       min(pa.evidence_end) AS evidence_end, count(DISTINCT pa.article_id) AS articles
FROM person_aliases pa WHERE pa.person_id = :id
GROUP BY pa.alias ORDER BY pa.alias

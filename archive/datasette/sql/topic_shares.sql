-- The share of all meetings and articles each list of one subject's page holds, from
-- counts read in an index (a meeting named by several articles counts several times).
SELECT (SELECT count(*) FROM meeting_topics WHERE topic_id = :id) * 1.0
         / (SELECT max(id) FROM meetings) AS topic_meetings,
       (SELECT count(*) FROM article_topics WHERE topic_id = :id) * 1.0
         / (SELECT max(id) FROM articles) AS topic_articles

-- The share of all people, meetings and articles each list of one organisation's page
-- holds, from cheap counts (search_list_items): the people with a post there, the
-- articles naming it. A meeting's share is taken as the people's (a meeting has several
-- participants, so more of the meetings than of the people have one of them: 2-5 times
-- more at 100,000 articles).
WITH org AS (SELECT name FROM organisations WHERE id = :id),
holders AS (SELECT count(*) * 1.0 / (SELECT max(id) FROM persons) AS share
           FROM search_list_items
           WHERE list = 'persons_browse.organisations' AND value = (SELECT name FROM org)),
naming AS (SELECT count(*) * 1.0 / (SELECT max(id) FROM articles) AS share
             FROM search_list_items
             WHERE list = 'articles_browse.organisations' AND value = (SELECT name FROM org))
SELECT holders.share AS organisation_people, holders.share AS organisation_meetings,
       naming.share AS organisation_articles
FROM holders, naming

-- The first :walked meetings in the page's order (dated ones by date, then the others),
-- read from the index on meetings.date: a walk's candidates ({walked_meetings} in a
-- *_walk.sql file).
walked AS (
  SELECT * FROM (SELECT 0 AS undated, date, id FROM meetings
                 WHERE date IS NOT NULL ORDER BY date, id LIMIT :walked)
  UNION ALL
  SELECT * FROM (SELECT 1, NULL, id FROM meetings WHERE date IS NULL ORDER BY id LIMIT :walked)
  ORDER BY 1, 2, 3 LIMIT :walked)

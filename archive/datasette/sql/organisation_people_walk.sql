-- organisation_people.sql's first :listed rows for a large organisation: the people in
-- name order, the first :walked of them only, each checked for a post there by one lookup
-- in search_list_items (the organisations of each person's posts). Fewer rows than
-- :listed: the walk may have stopped short, ask organisation_people.sql.
WITH first AS (
  SELECT w.id, w.name FROM (SELECT id, name FROM persons ORDER BY name LIMIT :walked) w
  WHERE EXISTS (SELECT 1 FROM search_list_items i
                WHERE i.list = 'persons_browse.organisations' AND i.row_id = w.id
                  AND i.value = (SELECT name FROM organisations WHERE id = :id))
  ORDER BY w.name LIMIT :listed)
{organisation_people_rows}

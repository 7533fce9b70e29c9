-- The people holding posts at one organisation, as the articles attest them.
WITH first AS (
  SELECT p.id, p.name FROM persons p
  WHERE p.id IN (SELECT pp.person_id FROM person_positions pp
                 JOIN positions pos ON pos.id = pp.position_id WHERE pos.organisation_id = :id)
  ORDER BY p.name LIMIT :listed)
{organisation_people_rows}

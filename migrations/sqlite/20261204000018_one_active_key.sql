-- At most one active signing key per organisation. Two first requests at
-- the same moment could each make one (on PostgreSQL, neither saw the
-- other's uncommitted key to retire it); the newest of any such pair stays
-- active, the others are retired (kept, and still verifiable).
UPDATE issuer_keys SET retired_at = created_at
WHERE retired_at IS NULL
  AND id NOT IN (
    SELECT MAX(id) FROM issuer_keys WHERE retired_at IS NULL GROUP BY organisation_id
  );

CREATE UNIQUE INDEX issuer_keys_one_active ON issuer_keys (organisation_id)
WHERE retired_at IS NULL;

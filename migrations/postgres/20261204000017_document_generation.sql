-- The hosted documents' cache (laurel_service::hosted). Every instance keeps
-- the signed and JSON documents it served in memory, tagged with this
-- generation, and reads it about once a second; a change to a hosted
-- document (today only a revocation: awards are otherwise immutable) bumps
-- it in the change's own transaction, so every instance drops what it
-- cached before the change within that second.
CREATE TABLE document_generation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT  NOT NULL
);
INSERT INTO document_generation (id, generation) VALUES (1, 0);

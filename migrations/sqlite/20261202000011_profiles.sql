-- A holder's profile gets what an organisation's has: a photo and social
-- links, each with its own "visible" toggle. `default_public`: the holder's
-- standing consent that badges issued to them from now on start public
-- (applied when a badge is issued; off by default).
ALTER TABLE holder_profiles ADD COLUMN image_type TEXT CHECK (image_type IN ('image/png', 'image/jpeg', 'image/svg+xml'));
ALTER TABLE holder_profiles ADD COLUMN image BLOB;
ALTER TABLE holder_profiles ADD COLUMN linkedin_url TEXT NOT NULL DEFAULT '';
ALTER TABLE holder_profiles ADD COLUMN linkedin_visible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE holder_profiles ADD COLUMN facebook_url TEXT NOT NULL DEFAULT '';
ALTER TABLE holder_profiles ADD COLUMN facebook_visible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE holder_profiles ADD COLUMN twitter_url TEXT NOT NULL DEFAULT '';
ALTER TABLE holder_profiles ADD COLUMN twitter_visible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE holder_profiles ADD COLUMN wechat_id TEXT NOT NULL DEFAULT '';
ALTER TABLE holder_profiles ADD COLUMN wechat_visible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE holder_profiles ADD COLUMN default_public BOOLEAN NOT NULL DEFAULT FALSE;

-- A handle the holder gave up: `/u/{old}` redirects to the profile for 90
-- days, and nobody else may take it meanwhile. Gone with the account.
CREATE TABLE handle_redirects (
    handle             TEXT    PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at         TEXT    NOT NULL
);

-- The organisation's public contact address (the Issuer profile's `email`)
-- and its LinkedIn company ID (LinkedIn's `organizationId`), both optional.
ALTER TABLE organisations ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN linkedin_org_id TEXT NOT NULL DEFAULT '';

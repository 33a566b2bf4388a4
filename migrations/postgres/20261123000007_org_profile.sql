-- An organisation's public profile ("Basic information"): a summary, an
-- image, and social links each with a visibility toggle.
ALTER TABLE organisations ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN image_type TEXT CHECK (image_type IN ('image/png', 'image/jpeg', 'image/svg+xml'));
ALTER TABLE organisations ADD COLUMN image BYTEA;
ALTER TABLE organisations ADD COLUMN linkedin_url TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN linkedin_visible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN facebook_url TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN facebook_visible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN twitter_url TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN twitter_visible BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE organisations ADD COLUMN wechat_id TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN wechat_visible BOOLEAN NOT NULL DEFAULT FALSE;

-- A snapshot becomes public only signed (decision 028), so that someone with the app's database
-- password cannot publish an unsigned one that /data would call old.
ALTER TABLE "Snapshots" ADD CONSTRAINT "CK_Snapshots_published_signed"
    CHECK ("State" <> 'Published' OR ("Manifest" IS NOT NULL AND "Checksums" IS NOT NULL AND "Signature" IS NOT NULL AND "SigningKey" IS NOT NULL));

-- Screenshots are evidence: neither they, their images nor a lead's approval of one is changed or removed.
CREATE TRIGGER "Screenshots_immutable" BEFORE UPDATE OR DELETE ON "Screenshots"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('screenshots are immutable evidence');
CREATE TRIGGER "Screenshots_no_truncate" BEFORE TRUNCATE ON "Screenshots"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('screenshots are immutable evidence');
CREATE TRIGGER "ImageBlobs_immutable" BEFORE UPDATE OR DELETE ON "ImageBlobs"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('screenshots are immutable evidence');
CREATE TRIGGER "ImageBlobs_no_truncate" BEFORE TRUNCATE ON "ImageBlobs"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('screenshots are immutable evidence');
CREATE TRIGGER "ScreenshotApprovals_immutable" BEFORE UPDATE OR DELETE ON "ScreenshotApprovals"
    FOR EACH ROW EXECUTE FUNCTION refuse_change('screenshots are immutable evidence');
CREATE TRIGGER "ScreenshotApprovals_no_truncate" BEFORE TRUNCATE ON "ScreenshotApprovals"
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('screenshots are immutable evidence');

-- A running batch whose background job gave up (its attempts spent) is
-- marked stopped, with the job's last error, by the batch sweep
-- (laurel_service::batches::sweep); the batch page offers to resume it.
-- NULL while the batch runs (or never stopped).
ALTER TABLE issue_batches ADD COLUMN stalled_reason TEXT;

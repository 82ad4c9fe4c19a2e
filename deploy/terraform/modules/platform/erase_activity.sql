-- Delete the BigQuery copies of erased subjects' activity events (docs/analytics.md, "Erasure and the BigQuery copy").
-- Each committed erasure logs the pseudonyms it deleted by in the database on `lagiftart.erasures`; the log sink puts
-- them in lagiftart_erasures.run_googleapis_com_stdout. This script deletes the rows carrying them from both activity
-- tables. It runs daily as a scheduled query (erasure.tf) and can be run by hand; running it again deletes nothing more.
-- Unqualified names resolve in the project that runs the query.
DECLARE erased ARRAY<STRING> DEFAULT [];

-- The sink creates its tables with their first log line: before the first erasure there is nothing to do.
IF EXISTS (
  SELECT 1 FROM lagiftart_erasures.INFORMATION_SCHEMA.TABLES WHERE table_name = 'run_googleapis_com_stdout'
) THEN
  SET erased = (
    SELECT IFNULL(ARRAY_AGG(DISTINCT pseudonym), [])
    FROM lagiftart_erasures.run_googleapis_com_stdout, UNNEST(jsonPayload.erased_pseudonyms) AS pseudonym
  );
END IF;

IF ARRAY_LENGTH(erased) > 0 THEN
  IF EXISTS (
    SELECT 1 FROM lagiftart_activity.INFORMATION_SCHEMA.TABLES WHERE table_name = 'run_googleapis_com_stdout'
  ) THEN
    -- Rows still in BigQuery's streaming buffer cannot be deleted: leave today's partition to tomorrow's run.
    DELETE FROM lagiftart_activity.run_googleapis_com_stdout
    WHERE timestamp < TIMESTAMP_TRUNC(CURRENT_TIMESTAMP(), DAY)
      AND (jsonPayload.user IN UNNEST(erased) OR jsonPayload.visitor IN UNNEST(erased));
  END IF;
  DELETE FROM lagiftart_activity.activity_events
  WHERE user IN UNNEST(erased) OR visitor IN UNNEST(erased);
END IF;

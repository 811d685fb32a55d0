-- Today's statistics read what the triggers keep from the current flag
-- of positions (0007, 0023), which is the day's truth only while no
-- current position has passed its last day and no position starts after
-- today. These find the positions that break it, in a range read each
-- (store/statheld.go): a current one whose last day has passed but which
-- the daily EndLapsedPositions has not ended yet (that job's own
-- condition), and one whose start is after today.
CREATE INDEX positions_current_last_day ON positions(last_day) WHERE is_current = 1 AND end_date != 0;
CREATE INDEX positions_start ON positions(start_date);

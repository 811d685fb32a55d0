-- A person's registry date (Person.registry_date, "Ngày vào danh sách"):
-- the day from which they count in the figures as on a date, which may be
-- before their registration (a province imports the lists it kept
-- before). Kept as the first instant of that day in Vietnam, in
-- microseconds, so that it compares with create_time as the dated
-- figures do (store/statdated.go, listed); NULL when it is the day of
-- registration. Set on create only: it never changes.
ALTER TABLE people ADD COLUMN registry_start INTEGER;

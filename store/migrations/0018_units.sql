-- Keys and console accounts limited to an organization, a unit (issue 21):
-- they read and keep the people who hold a current position there or at an
-- organization under it (store/unitscope.go). A key or an account is
-- limited to an association or to an organization, never both. (This
-- file's number may change when branches merge; nothing depends on it.)
ALTER TABLE api_keys ADD COLUMN organization TEXT;
ALTER TABLE accounts ADD COLUMN organization TEXT;

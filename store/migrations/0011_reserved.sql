-- Reserved for another branch's migration (number 0011), so that
-- 0012_accounts.sql loads on this branch; replace it with that migration.
SELECT 1;

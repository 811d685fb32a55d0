-- Reserved for another branch's migration 0013; only here so that this
-- branch's 0014 loads (versions have no gaps). Drop this file when merging
-- the branch that brings the real 0013.
SELECT 1;

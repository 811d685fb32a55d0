-- A phone that a spreadsheet kept as a number lost its leading 0
-- (912345678 for 0912 345 678, 2963841234 for 0296 384 1234): its key
-- (store/phone_key.go, vntext.ZeroLessPhone) is now the number's with its 0, so that
-- the people who have it, or whose operations quote it, are found either
-- way. The keys 0037 computed are computed again, in Go as then (the
-- writer's trithuc_phone_key); only those that change are written.

UPDATE people SET phone_key = trithuc_phone_key(phone)
WHERE phone != '' AND phone_key != trithuc_phone_key(phone);

-- 017: jobs.lane_id no longer has a foreign key to lanes.
-- The key's check ran for every inserted job (SELECT ... FROM lanes ... FOR KEY SHARE): it locked the lane's row,
-- took more executor time than the insert itself (52 against 35 µs for one job), and made concurrent enqueues of
-- one lane share a multixact lock on it. Without it, bulk enqueue ran 10 % faster, single enqueue 8 % and
-- PostgreSQL's CPU per job fell 7 % (bench/RESULTS.md, "Session 18").
-- What the key guarded, a job naming a deleted lane, cannot happen without it: a node hands an enqueue only lane ids
-- it marked used (lanes.last_used_at) within LaneBounds.MarkInterval (1 hour), and retention deletes only lanes
-- unused for IdleLaneRetention (at least twice that) that no live or finished job refers to (UpkeepDeleter).
ALTER TABLE __schema__.jobs DROP CONSTRAINT IF EXISTS jobs_lane_id_fkey;

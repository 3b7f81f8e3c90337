-- Partition visit_service (the visits' lines) by month on PostgreSQL 12 or later.
--
-- docs/deployment.md, "Partitioning the visit tables by month", says when to run this
-- (several years of a large municipality; most deployments never need it), what it costs
-- and what changes afterwards. It is not a migration in `flask db upgrade`'s chain: SQLite
-- cannot partition, and a deployment that does not need it should not pay for it.
--
--   pg_dump --format custom --file before-partitioning.dump selvvisitation   # first
--   psql --single-transaction -v ON_ERROR_STOP=1 -d selvvisitation \
--        -f deploy/postgresql/partition_visit_service.sql
--
-- Needs the database at revision 0003 or later (visit_service.day). Runs in one
-- transaction: it takes an exclusive lock on visit_service and copies every row, so the app
-- must be stopped meanwhile (about a minute per 10 million lines on modest hardware). On
-- any error nothing has changed.
--
-- Afterwards: the primary key is (id, day), since a partitioned table's unique constraints
-- must include the partition key; ids still come from the same sequence, so they stay
-- unique. Months are made 12 ahead; run
--   psql -d selvvisitation -c 'SELECT visit_service_make_partitions(12)'
-- monthly (deploy/systemd/selvvisitation-partitions.timer), so a planned visit never
-- falls into the DEFAULT partition (where a later month's partition could not be attached
-- without moving its rows out first).

\set ON_ERROR_STOP on

DO $check$
BEGIN
    IF current_setting('server_version_num')::int < 120000 THEN
        RAISE EXCEPTION 'PostgreSQL 12 or later is needed (foreign keys and partitioned tables)';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'visit_service'::regclass) THEN
        RAISE EXCEPTION 'visit_service is partitioned already';
    END IF;
END
$check$;

LOCK TABLE visit_service IN ACCESS EXCLUSIVE MODE;

-- 1. The plain table steps aside, with its constraints' and indexes' names.
ALTER TABLE visit_service RENAME TO visit_service_plain;
ALTER TABLE visit_service_plain RENAME CONSTRAINT pk_visit_service TO pk_visit_service_plain;
ALTER INDEX ix_visit_service_day RENAME TO ix_visit_service_plain_day;
ALTER INDEX ix_visit_service_service_outcome RENAME TO ix_visit_service_plain_service_outcome;
ALTER INDEX ix_visit_service_visit_id RENAME TO ix_visit_service_plain_visit_id;
ALTER TABLE visit_service_plain
    RENAME CONSTRAINT fk_visit_service_visit_id_visit TO fk_visit_service_plain_visit_id_visit;
ALTER TABLE visit_service_plain
    RENAME CONSTRAINT fk_visit_service_service_id_service TO fk_visit_service_plain_service_id_service;
ALTER TABLE visit_service_plain
    RENAME CONSTRAINT fk_visit_service_granted_service_id_granted_service
    TO fk_visit_service_plain_granted_service_id_granted_service;
ALTER TABLE visit_service_plain
    RENAME CONSTRAINT fk_visit_service_swap_id_swap_request TO fk_visit_service_plain_swap_id_swap_request;

-- 2. The partitioned table: the same columns in the same order, the id's default (the
--    same sequence) included. The primary key must include the partition key.
CREATE TABLE visit_service (LIKE visit_service_plain INCLUDING DEFAULTS)
    PARTITION BY RANGE (day);
ALTER TABLE visit_service ADD CONSTRAINT pk_visit_service PRIMARY KEY (id, day);
ALTER TABLE visit_service ADD CONSTRAINT fk_visit_service_visit_id_visit
    FOREIGN KEY (visit_id) REFERENCES visit (id) ON DELETE CASCADE;
ALTER TABLE visit_service ADD CONSTRAINT fk_visit_service_service_id_service
    FOREIGN KEY (service_id) REFERENCES service (id);
ALTER TABLE visit_service ADD CONSTRAINT fk_visit_service_granted_service_id_granted_service
    FOREIGN KEY (granted_service_id) REFERENCES granted_service (id);
ALTER TABLE visit_service ADD CONSTRAINT fk_visit_service_swap_id_swap_request
    FOREIGN KEY (swap_id) REFERENCES swap_request (id);
-- Indexes on the parent are made on every partition, now and later.
CREATE INDEX ix_visit_service_day ON visit_service (day);
CREATE INDEX ix_visit_service_service_outcome ON visit_service (service_id, outcome);
CREATE INDEX ix_visit_service_visit_id ON visit_service (visit_id);

-- 3. One partition per month, from the first line's month to `ahead` months after this
--    one, and a DEFAULT partition for a day outside them (none, if the timer runs).
CREATE OR REPLACE FUNCTION visit_service_make_partitions(ahead int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    first_month date;
    month date;
    made int := 0;
BEGIN
    SELECT date_trunc('month', coalesce(min(day), current_date))::date INTO first_month
        FROM visit_service;
    IF to_regclass('visit_service_plain') IS NOT NULL THEN
        SELECT least(first_month, date_trunc('month', coalesce(min(day), current_date))::date)
            INTO first_month FROM visit_service_plain;
    END IF;
    month := first_month;
    WHILE month <= (date_trunc('month', current_date) + make_interval(months => ahead))::date LOOP
        IF to_regclass(format('visit_service_%s', to_char(month, 'YYYY_MM'))) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF visit_service FOR VALUES FROM (%L) TO (%L)',
                format('visit_service_%s', to_char(month, 'YYYY_MM')),
                month,
                (month + interval '1 month')::date
            );
            made := made + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    IF to_regclass('visit_service_default') IS NULL THEN
        CREATE TABLE visit_service_default PARTITION OF visit_service DEFAULT;
    END IF;
    RETURN made;
END
$$;

SELECT visit_service_make_partitions(12) AS partitions_made;

-- 4. The rows, the sequence's ownership, and the plain table goes.
INSERT INTO visit_service SELECT * FROM visit_service_plain;
ALTER SEQUENCE visit_service_id_seq OWNED BY visit_service.id;
DROP TABLE visit_service_plain;
ANALYZE visit_service;

-- The cells of a x10 CTP-size history (56 jurisdictions x 3,711 days x the 28 catalog metrics,
-- about 31% empty: 5.8 M cells, 4.0 M values), in the file's order, and the same history as
-- one row per jurisdiction-day (the shape of the file, and of psql's \copy).
CREATE UNLOGGED TABLE cells_src AS
SELECT j."Code"::char(2) AS j, d::date AS d, m."Key"::varchar(64) AS m,
       CASE WHEN random() < 0.31 THEN NULL ELSE (random() * 1000000)::bigint END AS v
FROM generate_series(date '2020-01-01', date '2020-01-01' + 3710, interval '1 day') d
CROSS JOIN (SELECT "Code" FROM "Jurisdictions") j
CROSS JOIN (SELECT "Key", row_number() OVER (ORDER BY "Key") r FROM "Metrics") m
ORDER BY d DESC, j."Code", m.r;

CREATE UNLOGGED TABLE wide_src AS SELECT j, d, array_agg(v ORDER BY m) vals FROM cells_src GROUP BY j, d;

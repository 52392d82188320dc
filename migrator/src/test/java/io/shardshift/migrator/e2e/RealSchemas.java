package io.shardshift.migrator.e2e;

import java.util.List;

/** The source schema of {@link RealSchemasMigrationIT}: user-defined types and one column per type family. */
final class RealSchemas {
    /** 20,000 characters of random hex, incompressible enough, as an SQL expression. */
    static final String RANDOM_HEX_20K = "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 625))";

    static final List<String> DDL = List.of(
            "CREATE SCHEMA kinds",
            "CREATE TYPE kinds.mood AS ENUM ('sad', 'ok', 'happy, \"very\"', 'it''s')",
            "CREATE DOMAIN positive AS integer CHECK (VALUE > 0)",
            "CREATE TYPE address AS (street text, num positive, moods kinds.mood[])",
            "CREATE DOMAIN kinds.home AS address CONSTRAINT small CHECK ((VALUE).num IS NULL OR (VALUE).num < 1000)",
            """
            CREATE TABLE everything (
              id bigint PRIMARY KEY, tenant_id text NOT NULL,
              n numeric, n2 numeric(30,15), na numeric[], m money, b bytea, ba bytea[], bits bit(5), vb bit varying,
              ia integer[], ta text[], m2 integer[][], j json, jb jsonb, jba jsonb[], x xml, u uuid, ip inet, net cidr,
              mac macaddr, mac8 macaddr8, r int4range, tr tstzrange, nr numrange, mr int4multirange, dr daterange,
              tsv tsvector, tq tsquery, p point, l line, ls lseg, bx box, pa path, pg polygon, c circle,
              iv interval, iva interval[], t time, t3 time(3), ttz time with time zone, d date, da date[],
              ts timestamp, ts3 timestamp(3), tstz timestamptz, tstza timestamptz[],
              mo kinds.mood, km kinds.home, pos positive, addr address, addrs address[], moods kinds.mood[],
              txt text, ch char(3), vc varchar(10), f4 real, f8 double precision, bo boolean, i2 smallint,
              oi oid, ch1 "char", nm name)""",
            """
            CREATE TABLE docs (id bigint PRIMARY KEY, tenant_id text NOT NULL, title text, price numeric(10,2),
              qty integer, total numeric GENERATED ALWAYS AS (price * qty) STORED, body text)""",
            "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL");

    /**
     * Columns whose types change capture cannot carry exactly (see CapturableTypes): the preflight refuses
     * them, so the migrated table drops them.
     */
    static final List<String> REFUSED_COLUMNS = List.of("ttz");

    private RealSchemas() {
    }

    /** Three rows (ids offset+1 .. offset+3): edge values, all NULLs, other edge values. */
    static String insertRows(int offset) {
        return """
                INSERT INTO everything VALUES
                (%1$d + 1, 't1', 'NaN', '123456789012345.123456789012345', '{1.5,NULL,NaN}', '-12.34', '\\x00ff5c4e0a',
                 '{"\\\\x00",NULL,"\\\\x5c"}', B'10101', B'1', '{1,NULL,3}',
                 '{"a b",NULL,"NULL","quo\\"te","back\\\\slash","",ü}', '{{1,2},{3,4}}', '{"b":1,  "a":[1,2]}',
                 '{"a":{"b":[null,1.50,"x\\ty"]}}', '{"{\\"k\\": 1}",NULL}', '<a x="1">t&amp;<b/></a>',
                 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03',
                 '08:00:2b:01:02:03:04:05', '[1,5)', '[2024-01-01 00:00+00,infinity)', '(,1.5]', '{[1,3),[5,7)}',
                 'empty', 'a:1A fat:2 cat', 'fat & !rat', '(1.5,-2)', '{1,-1,0}', '[(0,0),(1,1)]', '(1,1),(0,0)',
                 '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(1,0))', '<(1,2),3>', '1 year 2 mons -3 days 04:05:06.789',
                 '{"1 day",NULL,"-00:00:01.5"}', '23:59:59.999999', '10:11:12.345', '10:00:00+05:30', 'infinity',
                 '{2024-02-29,NULL,infinity,"0044-03-15 BC"}', '-infinity', '2024-01-01 10:11:12.345',
                 'infinity', '{"2024-02-29 12:34:56.789012+00",NULL,-infinity}', 'happy, "very"', '(a,1,{})', 7,
                 '("1 Main St, \\"A\\"",3,"{sad,ok}")', ARRAY['("x",1,{})'::address, NULL], '{sad,"happy, \\"very\\"",it''s,NULL}',
                 E'tab\\there\\nnew\\\\line \\\\N ☃ 𝄞 é \\r end', 'ab', 'abcdefghij', '-Infinity', 'NaN', true, -32768,
                 4294967295, 'x', 'some name'),
                (%1$d + 2, 't2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                 NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                (%1$d + 3, 't3', '-0.000000000000000000000000000001', '-0.5', '{}', '0', '\\x', '{}', B'00000',
                 B'', '{}', '{""}', '{{NULL,2},{3,NULL}}', '[]', '"just a string"', '{}', '<?xml version="1.0"?><r/>',
                 '00000000-0000-0000-0000-000000000000', '::1', '2001:db8::/32', '00:00:00:00:00:00',
                 '00:00:00:00:00:00:00:00', '[-2147483648,2147483647)', '(,)', '[-1e-20,1e20]', '{}', '[2024-01-01,2024-01-02]',
                 '', '', '(0,0)', '{0,1,0}', '[(1,1),(1,1)]', '(0,0),(0,0)', '((0,0))', '((1,1))', '<(0,0),0>',
                 '-178000000 years', '{}', '00:00:00', '00:00:00', '23:59:59-12', '-infinity', '{}',
                 '0001-01-01 00:00:00 BC', '1999-12-31 23:59:59.999', '1970-01-01 00:00:00+00', '{}', 'it''s', NULL,
                 2147483647, '(,,)', '{}', '{}', E'\\\\N', '   ', '', '1.17549435e-38', '1.7976931348623157e308', false,
                 0, 0, E'\\\\', '')
                """.formatted(offset);
    }
}

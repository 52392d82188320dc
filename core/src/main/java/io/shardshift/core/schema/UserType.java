package io.shardshift.core.schema;

import io.shardshift.core.sql.SqlIdentifiers;

import java.util.List;
import java.util.Objects;

/**
 * A type that is not built into PostgreSQL and is used by a migrated table, read from the source's
 * catalog. Shardshift creates enums, domains and composite types on each target before the tables;
 * {@link Kind#EXTERNAL} types (base and range types of extensions or {@code CREATE TYPE}) must already
 * exist there and are only checked.
 *
 * <p>Example: {@code CREATE DOMAIN public.score AS integer NOT NULL CHECK (VALUE >= 0)} is
 * {@code UserType.domain("public", "score", "integer", true, List.of("score_check|CHECK ((VALUE >= 0))"))}.
 *
 * @param schema     the type's schema
 * @param name       the type's name
 * @param kind       what kind of type it is
 * @param labels     an enum's labels in sort order; empty otherwise
 * @param baseType   a domain's base type as {@code format_type} prints it; {@code null} otherwise
 * @param notNull    whether a domain is {@code NOT NULL}
 * @param checks     a domain's CHECK constraints as {@code name|definition} ({@code pg_get_constraintdef}),
 *                   sorted by name; empty otherwise
 * @param attributes a composite type's attributes in order; empty otherwise
 * @param extension  for an external type, the extension that owns it, or {@code null}
 */
public record UserType(String schema, String name, Kind kind, List<String> labels, String baseType, boolean notNull,
                       List<String> checks, List<ColumnDef> attributes, String extension) {

    /** The kinds of user-defined type. */
    public enum Kind { ENUM, DOMAIN, COMPOSITE, EXTERNAL }

    public UserType {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        labels = List.copyOf(labels);
        checks = List.copyOf(checks);
        attributes = List.copyOf(attributes);
        if (kind == Kind.DOMAIN && (baseType == null || baseType.isBlank())) {
            throw new IllegalArgumentException("domain " + schema + "." + name + " has no base type");
        }
    }

    /** {@code CREATE TYPE ... AS ENUM (labels)}. */
    public static UserType enumType(String schema, String name, List<String> labels) {
        return new UserType(schema, name, Kind.ENUM, labels, null, false, List.of(), List.of(), null);
    }

    /** {@code CREATE DOMAIN ... AS baseType [NOT NULL] [CONSTRAINT name CHECK (...)]...}. */
    public static UserType domain(String schema, String name, String baseType, boolean notNull, List<String> checks) {
        return new UserType(schema, name, Kind.DOMAIN, List.of(), baseType, notNull, checks, List.of(), null);
    }

    /** {@code CREATE TYPE ... AS (attributes)}. */
    public static UserType composite(String schema, String name, List<ColumnDef> attributes) {
        return new UserType(schema, name, Kind.COMPOSITE, List.of(), null, false, List.of(), attributes, null);
    }

    /** A type Shardshift does not create: it must exist on each target (e.g. {@code citext}). */
    public static UserType external(String schema, String name, String extension) {
        return new UserType(schema, name, Kind.EXTERNAL, List.of(), null, false, List.of(), List.of(), extension);
    }

    /** {@code "schema"."name"}. */
    public String quoted() {
        return SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(name);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}

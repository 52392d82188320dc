package io.shardshift.cutover.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The role that marks Shardshift's own sessions to the triggers that reject or log application writes
 * ({@link SourceFreeze}'s reject trigger on the source, {@link ReverseLog}'s triggers on the targets). A
 * session is Shardshift's only when its login user is a member of {@value #NAME}, a privilege PostgreSQL
 * checks, plus its own marker: {@code SET LOCAL shardshift.replica = on} on the source, an application name
 * {@code shardshift-...} on a target. Neither marker alone lets a write through, since any session can set
 * them. Give the migrator a login user of its own: an application logged in as the migrator's user has its
 * privileges (it could drop the triggers as well).
 *
 * <p>The role is created (NOLOGIN) and granted to the connecting user on first use; a user without
 * {@code CREATEROLE} needs a DBA to run once:
 * <pre>{@code
 * CREATE ROLE shardshift_replica NOLOGIN;
 * GRANT shardshift_replica TO migrator_user;
 * }</pre>
 */
public final class ReplicaRole {
    /** The role's name, the same on the source and every target. */
    public static final String NAME = "shardshift_replica";
    /** SQL that is true when the session's login user is a member of the role (false if it does not exist). */
    static final String IS_MEMBER = "coalesce(pg_has_role(session_user, to_regrole('" + NAME + "'), 'MEMBER'), false)";

    private ReplicaRole() {
    }

    /**
     * Creates the role if missing and grants it to the connection's login user if not yet a member, in the
     * connection's transaction.
     *
     * @throws SQLException naming the statements a DBA must run when the user may not do it (SQLSTATE 42501)
     */
    static void ensure(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("""
                    DO $$
                    BEGIN
                      IF to_regrole('%1$s') IS NULL THEN
                        BEGIN
                          CREATE ROLE %1$s NOLOGIN;
                        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                        END;
                      END IF;
                      IF NOT pg_has_role(session_user, '%1$s', 'MEMBER') THEN
                        EXECUTE format('GRANT %1$s TO %%I', session_user);
                      END IF;
                    END $$""".formatted(NAME));
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new SQLException("the user " + c.getMetaData().getUserName() + " may not create or grant the role "
                        + NAME + " that marks Shardshift's own writes; have a DBA run: CREATE ROLE " + NAME
                        + " NOLOGIN; GRANT " + NAME + " TO <that user>;", "42501", e);
            }
            throw e;
        }
    }
}

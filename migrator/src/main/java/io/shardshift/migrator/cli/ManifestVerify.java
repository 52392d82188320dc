package io.shardshift.migrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardshift.core.spec.Secrets;
import io.shardshift.verify.manifest.Manifest;
import io.shardshift.verify.manifest.ManifestCheck;
import io.shardshift.verify.manifest.ManifestJson;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * {@code shardshift verify --manifest F --against URL}: reads an integrity manifest, checks the copy at the URL
 * against it ({@link ManifestCheck}) and prints each mismatch by table, target, key range and tenant, with the row
 * counts and hashes of both sides. Exit 0 when there is none, 1 when there are, 2 when the manifest or the copy
 * cannot be read (the message says which and why, never a stack trace).
 */
final class ManifestVerify {
    private final PrintWriter out;
    private final PrintWriter err;

    ManifestVerify(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    int run(Path file, String url, String user, String password, String target, boolean json) {
        Manifest manifest;
        try {
            manifest = ManifestJson.read(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            err.println("shardshift verify: --manifest: no file " + file);
            return 2;
        } catch (IOException e) {
            err.println("shardshift verify: --manifest: cannot read " + file + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("shardshift verify: --manifest " + file + ": " + e.getMessage());
            return 2;
        }
        String where = Secrets.maskCredentials(url);
        ManifestCheck.Report report;
        try (Connection c = connect(url, user, password)) {
            report = ManifestCheck.check(manifest, c, target);
        } catch (IllegalArgumentException e) {
            err.println("shardshift verify: --target: " + e.getMessage());
            return 2;
        } catch (SQLException e) {
            err.println("shardshift verify: cannot check " + where + ": " + Secrets.maskCredentials(e.getMessage())
                    + " (SQLSTATE " + e.getSQLState() + ")");
            return 2;
        }
        if (json) {
            out.println(json(manifest, where, target, report));
        } else {
            text(manifest, where, target, report);
        }
        out.flush();
        return report.clean() ? 0 : 1;
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null && !url.contains("password=")) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    private void text(Manifest m, String where, String target, ManifestCheck.Report r) {
        out.printf("manifest of %s, generation %d at fence %s (%s): checking %s as %s%n", m.migration(), m.generation(),
                m.fenceLsn(), m.cutover(), where, target == null ? "the whole data set" : "a copy of target " + target);
        r.mismatches().forEach(x -> out.println("MISMATCH " + x.describe()));
        out.printf("%s: %d tables, %d chunks, %d rows of the copy compared, %d mismatches%n", r.clean() ? "CLEAN" : "DIFFERS",
                r.tables(), r.chunks(), r.rows(), r.mismatches().size());
    }

    private static String json(Manifest m, String where, String target, ManifestCheck.Report r) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("migration", m.migration());
        root.put("generation", m.generation());
        root.put("fenceLsn", m.fenceLsn());
        root.put("against", where);
        root.put("target", target);
        root.put("clean", r.clean());
        root.put("tables", r.tables());
        root.put("chunks", r.chunks());
        root.put("rows", r.rows());
        ArrayNode list = root.putArray("mismatches");
        r.mismatches().forEach(x -> list.add(mapper.valueToTree(x)));
        return root.toString();
    }
}

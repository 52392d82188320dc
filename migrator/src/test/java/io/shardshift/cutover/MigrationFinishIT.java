package io.shardshift.cutover;

import io.shardshift.core.spec.MigrationSpec;
import io.shardshift.core.spec.SpecLoader;
import io.shardshift.audit.AuditTrail;
import io.shardshift.migrator.cli.ShardshiftCli;
import io.shardshift.testkit.DemoSource;
import io.shardshift.testkit.DemoStack;
import io.shardshift.engine.run.MigrationRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code shardshift finish} on the real stack: refused while the migrator is attached, and while the
 * observation window is open; once the cutover is final it drops the slot and the publication, so the
 * source retains no WAL for the migration.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MigrationFinishIT {

    @Test
    void shouldDropTheSlotOnlyOnceTheCutoverIsFinal(@TempDir Path dir) throws Exception {
        try (DemoStack stack = DemoStack.start()) {
            try (Connection c = stack.source().connect(DemoStack.DATABASE)) {
                DemoSource.create(c, 2_000);
            }
            String yaml = stack.specYaml("finish", 200) + """
                    cutover: {maxLagMillis: 5000, stableFor: 500ms, observationWindow: 4s, verify: false}
                    """;
            Path specFile = dir.resolve("spec.yaml");
            Files.writeString(specFile, yaml.replace("${env:SHARDSHIFT_DEMO_PASSWORD}", stack.source().password()));
            MigrationSpec spec = SpecLoader.parse(yaml, Map.of("SHARDSHIFT_DEMO_PASSWORD", stack.source().password()));
            try (MigrationRunner runner = MigrationRunner.start(spec, dir.resolve("state"));
                 AuditTrail audit = AuditTrail.toFile(dir.resolve("audit.jsonl"))) {
                assertThat(runner.awaitBackfill(Duration.ofMinutes(1))).isTrue();
                assertThat(finish(specFile, stack).exit()).as("finish before any cutover").isEqualTo(1);
                try (CutoverController controller = CutoverController.forRunner(runner, audit,
                        CutoverOptions.from(spec.cutoverOrDefaults()))) {
                    assertThat(controller.cutover().completed()).isTrue();
                    Finish attached = finish(specFile, stack);
                    assertThat(attached.exit()).isEqualTo(1);
                    assertThat(attached.err()).contains("still attached to slot " + spec.slotName());
                    await().atMost(Duration.ofSeconds(30)).until(() -> !controller.observation().active());
                }
            }
            assertThat(slotExists(stack, spec.slotName())).isTrue();

            Finish done = finish(specFile, stack);

            assertThat(done.exit()).as("finish after the window: %s", done.err()).isZero();
            assertThat(done.out()).contains("dropped slot " + spec.slotName());
            assertThat(slotExists(stack, spec.slotName())).isFalse();
        }
    }

    private record Finish(int exit, String out, String err) {
    }

    private static Finish finish(Path specFile, DemoStack stack) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ShardshiftCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("finish", "--spec", specFile.toString());
        return new Finish(exit, out.toString(), err.toString());
    }

    private static boolean slotExists(DemoStack stack, String slot) throws Exception {
        try (Connection c = stack.source().connect(DemoStack.DATABASE);
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}

package io.shardshift.audit;

import io.shardshift.migrator.cli.AuditCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditTrailTest {

    private static Path trailOf(Path dir, int entries) {
        Path file = dir.resolve("audit.jsonl");
        try (AuditTrail trail = AuditTrail.toFile(file)) {
            for (int i = 1; i <= entries; i++) {
                trail.append("cutover", "step-" + i, Map.of("n", i, "lsn", "0/" + i, "nested", Map.of("b", 2, "a", 1)));
            }
        }
        return file;
    }

    @Test
    void shouldVerifyAnIntactChain(@TempDir Path dir) throws Exception {
        AuditVerifier.Result r = AuditVerifier.verifyFile(trailOf(dir, 5));
        assertThat(r.valid()).isTrue();
        assertThat(r.entries()).isEqualTo(5);
    }

    @Test
    void shouldContinueTheChainWhenReopened(@TempDir Path dir) throws Exception {
        Path file = trailOf(dir, 3);
        try (AuditTrail trail = AuditTrail.toFile(file)) {
            assertThat(trail.append("operator", "rollback", Map.of()).seq()).isEqualTo(4);
        }
        assertThat(AuditVerifier.verifyFile(file).valid()).isTrue();
        assertThat(AuditVerifier.verifyFile(file).entries()).isEqualTo(4);
    }

    @Test
    void shouldDetectATamperedEntryAtItsSeq(@TempDir Path dir) throws Exception {
        Path file = trailOf(dir, 6);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(3, lines.get(3).replace("\"step\":\"step-4\"", "\"step\":\"step-X\""));
        Files.write(file, lines);

        AuditVerifier.Result r = AuditVerifier.verifyFile(file);
        assertThat(r.valid()).isFalse();
        assertThat(r.firstBrokenSeq()).isEqualTo(4);
        assertThat(r.entries()).isEqualTo(3);
        assertThat(r.reason()).contains("altered");
    }

    @Test
    void shouldDetectADeletedEntry(@TempDir Path dir) throws Exception {
        Path file = trailOf(dir, 4);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Files.write(file, lines);
        AuditVerifier.Result r = AuditVerifier.verifyFile(file);
        assertThat(r.valid()).isFalse();
        assertThat(r.firstBrokenSeq()).isEqualTo(2);
    }

    @Test
    void shouldRefuseToAppendToABrokenTrail(@TempDir Path dir) throws Exception {
        Path file = trailOf(dir, 2);
        Files.writeString(file, Files.readString(file).replace("step-2", "step-9"));
        assertThatThrownBy(() -> AuditTrail.toFile(file)).hasMessageContaining("broken at seq 2");
    }

    @Test
    void shouldAnswerVerifyOnTheCommandLine(@TempDir Path dir) throws Exception {
        Path file = trailOf(dir, 3);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new AuditCommand()).setOut(new PrintWriter(out));
        assertThat(cli.execute("verify", "--file", file.toString())).isZero();
        assertThat(out.toString()).contains("3 entries, chain intact");

        Files.writeString(file, Files.readString(file).replace("step-3", "step-0"));
        StringWriter out2 = new StringWriter();
        assertThat(new CommandLine(new AuditCommand()).setOut(new PrintWriter(out2))
                .execute("verify", "--file", file.toString())).isEqualTo(1);
        assertThat(out2.toString()).contains("BROKEN at seq 3");
    }
}

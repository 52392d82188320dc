package io.shardshift.devstack;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL client programs of this machine ({@code pg_basebackup}, {@code pg_ctl}), which the embedded
 * server jar does not ship: from {@code $SHARDSHIFT_PG_BIN}, else the newest {@code /usr/lib/postgresql/<major>/bin}.
 */
final class PgClientBinaries {
    private static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private PgClientBinaries() {
    }

    /** The path of a client program, or an error saying where it was looked for. */
    static Path path(String program) {
        String env = System.getenv("SHARDSHIFT_PG_BIN");
        if (env != null && !env.isBlank()) {
            return existing(Path.of(env).resolve(program));
        }
        try (Stream<Path> majors = Files.list(DEBIAN_ROOT)) {
            return majors.map(m -> m.resolve("bin").resolve(program)).filter(Files::isExecutable)
                    .max(Path::compareTo).orElseThrow(() -> missing(program));
        } catch (IOException e) {
            throw missing(program);
        }
    }

    private static Path existing(Path p) {
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is not an executable (SHARDSHIFT_PG_BIN)");
        }
        return p;
    }

    private static IllegalStateException missing(String program) {
        return new IllegalStateException(program + " not found under " + DEBIAN_ROOT + "/*/bin; install the PostgreSQL"
                + " client programs or set SHARDSHIFT_PG_BIN");
    }

    /** Runs a program, its output appended to {@code log}; fails naming the command and the log on a non-zero exit. */
    static void run(List<String> command, Path log, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within " + timeout + "; see " + log);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(Path.of(command.get(0)).getFileName() + " " + command.get(1)
                        + " exited with " + p.exitValue() + "; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
